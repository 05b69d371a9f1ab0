-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, default schema and user (PostgreExecutionContext)
SELECT current_schema(),session_user
