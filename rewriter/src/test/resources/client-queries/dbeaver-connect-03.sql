-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, can pg_enum be read (PostgreUtils.isMetaObjectExists)
SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1
