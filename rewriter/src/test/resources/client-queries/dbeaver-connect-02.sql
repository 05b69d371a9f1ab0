-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, does pg_class have reltype (PostgreUtils.isMetaObjectExists)
SELECT reltype FROM pg_catalog.pg_class WHERE 1<>1 LIMIT 1
