# Sourced (it must stay non-executable) by the MariaDB image's entrypoint at first start, after
# 01-schema.sql and 02-demo-fill.sql: the account Vitrina reads the catalog with may only SELECT.
vitrina_password_literal=$(docker_sql_escape_string_literal "${VITRINA_MYSQL_PASSWORD:?set VITRINA_MYSQL_PASSWORD}")
docker_process_sql --database=mysql <<SQL
-- schema.sql creates vitrina_ro with the demo password: set the deployment's own.
CREATE USER IF NOT EXISTS 'vitrina_ro'@'%' IDENTIFIED BY '${vitrina_password_literal}';
ALTER USER 'vitrina_ro'@'%' IDENTIFIED BY '${vitrina_password_literal}';
GRANT SELECT ON vitrina.* TO 'vitrina_ro'@'%';
SQL
unset vitrina_password_literal
