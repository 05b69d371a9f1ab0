-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): DDL of view sales.store_regions (PostgreViewBase)
SELECT pg_get_viewdef(16415, true)
