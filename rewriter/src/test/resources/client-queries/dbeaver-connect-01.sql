-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, server version (PostgreDataSource.initialize)
SELECT version()
