-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, a setting (PostgreDataSource.SettingCache)
-- parameters: $1 = 'standard_conforming_strings'
select * from pg_catalog.pg_settings where name=$1
