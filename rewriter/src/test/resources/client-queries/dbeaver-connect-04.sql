-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, the connected database (PostgreDatabase.readDatabaseInfo)
-- parameters: $1 = 'mesh'
SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname=$1
