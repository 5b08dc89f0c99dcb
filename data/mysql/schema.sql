-- Vitrina's default catalog schema for MySQL 8 / MariaDB 10.11: the same notions as the embedded
-- SQLite catalog (data/embedded_schema.cc). A catalog with its own schema keeps it and maps it
-- with data_source.mysql.queries instead (data/README.md).
--
-- Loaded by a MariaDB/MySQL container at first start from /docker-entrypoint-initdb.d (mount it
-- as 01-schema.sql and demo-fill.sql as 02-demo-fill.sql: the scripts run in name order).

CREATE DATABASE IF NOT EXISTS vitrina CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE vitrina;

-- Each interaction type and the weight it gets when the preparation config has no rule for it.
CREATE TABLE IF NOT EXISTS interaction_types (
  name   VARCHAR(32) NOT NULL PRIMARY KEY,
  weight DOUBLE      NOT NULL
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS users (
  id BIGINT NOT NULL PRIMARY KEY
) ENGINE = InnoDB;

-- Free-form user side features such as 'country:de' or 'signup_genre:drama'.
CREATE TABLE IF NOT EXISTS user_features (
  user_id BIGINT       NOT NULL,
  feature VARCHAR(128) NOT NULL,
  PRIMARY KEY (user_id, feature),
  FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS titles (
  id        BIGINT       NOT NULL PRIMARY KEY,
  name      VARCHAR(255) NOT NULL,
  available TINYINT(1)   NOT NULL DEFAULT 1
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS title_genres (
  title_id BIGINT      NOT NULL,
  genre    VARCHAR(64) NOT NULL,
  PRIMARY KEY (title_id, genre),
  FOREIGN KEY (title_id) REFERENCES titles (id)
) ENGINE = InnoDB;

-- A creator as the catalog identifies them (an id or a name): director, author, artist, studio.
CREATE TABLE IF NOT EXISTS title_creators (
  title_id BIGINT       NOT NULL,
  creator  VARCHAR(128) NOT NULL,
  PRIMARY KEY (title_id, creator),
  FOREIGN KEY (title_id) REFERENCES titles (id)
) ENGINE = InnoDB;

-- One row per event: a rating (value 1-5), a view (value = completion 0..1), a bookmark (1), ...
-- created_at is in unix seconds; its index serves the incremental reads (created_at > since).
CREATE TABLE IF NOT EXISTS interactions (
  id         BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id    BIGINT      NOT NULL,
  title_id   BIGINT      NOT NULL,
  type       VARCHAR(32) NOT NULL,
  value      DOUBLE      NOT NULL,
  created_at BIGINT      NOT NULL,
  KEY interactions_by_created_at (created_at),
  FOREIGN KEY (type) REFERENCES interaction_types (name)
) ENGINE = InnoDB;

-- The account Vitrina reads with: SELECT only, so it cannot write to the catalog even by mistake.
-- Change the password (and set VITRINA_MYSQL_URL accordingly) outside a demo.
CREATE USER IF NOT EXISTS 'vitrina_ro'@'%' IDENTIFIED BY 'vitrina_ro';
GRANT SELECT ON vitrina.* TO 'vitrina_ro'@'%';
