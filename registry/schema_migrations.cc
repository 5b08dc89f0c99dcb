#include "registry/schema_migrations.h"

#include <array>

namespace vitrina::registry {
namespace {

// Enumerations are stored as text, readable with the sqlite3 shell; CHECK constraints keep
// out what the code could not read back, JSON columns included.
constexpr char kModelsAndJobs[] = R"sql(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
  triggered_by TEXT NOT NULL CHECK (triggered_by IN ('api', 'schedule', 'nightly')),
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  params_json TEXT NOT NULL CHECK (json_valid(params_json)),
  activate_policy TEXT NOT NULL CHECK (activate_policy IN ('never', 'always', 'if_better')),
  created_at INTEGER NOT NULL,
  scheduled_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  epoch INTEGER NOT NULL DEFAULT 0,
  epochs INTEGER NOT NULL DEFAULT 0,
  model_id INTEGER REFERENCES models(id),
  metrics_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics_json)),
  activated INTEGER NOT NULL DEFAULT 0 CHECK (activated IN (0, 1)),
  error TEXT NOT NULL DEFAULT '',
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1))
);
-- What a worker polls: the runnable queued jobs, earliest first.
CREATE INDEX jobs_queued_by_schedule ON jobs(scheduled_at, id) WHERE status = 'queued';
CREATE INDEX jobs_by_status ON jobs(status, id);

CREATE TABLE models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ready', 'deleted')),
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  params_json TEXT NOT NULL CHECK (json_valid(params_json)),
  metrics_json TEXT NOT NULL CHECK (json_valid(metrics_json)),
  dataset_json TEXT NOT NULL CHECK (json_valid(dataset_json)),
  file_path TEXT NOT NULL CHECK (file_path <> ''),
  checksum TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  n_users INTEGER NOT NULL CHECK (n_users >= 0),
  n_titles INTEGER NOT NULL CHECK (n_titles >= 0),
  job_id INTEGER REFERENCES jobs(id),
  parent_model_id INTEGER REFERENCES models(id),
  watermark INTEGER NOT NULL,
  CHECK (active = 0 OR status = 'ready')
);
-- At most one active model, whoever writes the file.
CREATE UNIQUE INDEX models_single_active ON models(active) WHERE active = 1;
)sql";

constexpr char kHotInteractions[] = R"sql(
CREATE TABLE hot_interactions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL CHECK (user_id > 0),
  title_id INTEGER NOT NULL CHECK (title_id > 0),
  type TEXT NOT NULL CHECK (type <> ''),
  value REAL NOT NULL,
  timestamp INTEGER NOT NULL CHECK (timestamp >= 0)
);
CREATE INDEX hot_interactions_by_time ON hot_interactions(timestamp, id);
)sql";

// user_id 0 stands for the global list: a NULL inside a primary key would let duplicates in.
constexpr char kBlacklist[] = R"sql(
CREATE TABLE blacklist (
  user_id INTEGER NOT NULL CHECK (user_id >= 0),
  title_id INTEGER NOT NULL CHECK (title_id > 0),
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, title_id)
) WITHOUT ROWID;
)sql";

// NULL for models deleted before the time was recorded.
constexpr char kModelDeletionTime[] = R"sql(
ALTER TABLE models ADD COLUMN deleted_at INTEGER CHECK (deleted_at IS NULL OR status = 'deleted');
)sql";

// Catalogs whose ids start at 0 (vitrina-import loads them) need user 0 and title 0: the checks
// allow 0, and the global blacklist moves from user_id 0 to -1. SQLite cannot change a CHECK in
// place, so both tables are rebuilt and their rows copied.
constexpr char kIdZeroIsACatalogId[] = R"sql(
CREATE TABLE hot_interactions_v5 (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL CHECK (user_id >= 0),
  title_id INTEGER NOT NULL CHECK (title_id >= 0),
  type TEXT NOT NULL CHECK (type <> ''),
  value REAL NOT NULL,
  timestamp INTEGER NOT NULL CHECK (timestamp >= 0)
);
INSERT INTO hot_interactions_v5 (id, user_id, title_id, type, value, timestamp)
  SELECT id, user_id, title_id, type, value, timestamp FROM hot_interactions;
DROP TABLE hot_interactions;
ALTER TABLE hot_interactions_v5 RENAME TO hot_interactions;
CREATE INDEX hot_interactions_by_time ON hot_interactions(timestamp, id);

CREATE TABLE blacklist_v5 (
  user_id INTEGER NOT NULL CHECK (user_id >= -1),
  title_id INTEGER NOT NULL CHECK (title_id >= 0),
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, title_id)
) WITHOUT ROWID;
INSERT INTO blacklist_v5 (user_id, title_id, reason, created_at)
  SELECT CASE user_id WHEN 0 THEN -1 ELSE user_id END, title_id, reason, created_at
  FROM blacklist;
DROP TABLE blacklist;
ALTER TABLE blacklist_v5 RENAME TO blacklist;
)sql";

// Next-title models: the jobs table is rebuilt (SQLite cannot change a CHECK in place) to admit
// the 'next_title' kind (and 'search', the hyperparameter search's), keeping every row and id, by
// SQLite's recipe (new table, copy, drop, rename; foreign keys are off while migrations run, see
// Migrate). Models get a role, and "one active model" becomes "one active model per role".
constexpr char kNextTitleModels[] = R"sql(
CREATE TABLE jobs_with_next_title (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental', 'search', 'next_title')),
  triggered_by TEXT NOT NULL CHECK (triggered_by IN ('api', 'schedule', 'nightly')),
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  params_json TEXT NOT NULL CHECK (json_valid(params_json)),
  activate_policy TEXT NOT NULL CHECK (activate_policy IN ('never', 'always', 'if_better')),
  created_at INTEGER NOT NULL,
  scheduled_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  epoch INTEGER NOT NULL DEFAULT 0,
  epochs INTEGER NOT NULL DEFAULT 0,
  model_id INTEGER REFERENCES models(id),
  metrics_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics_json)),
  activated INTEGER NOT NULL DEFAULT 0 CHECK (activated IN (0, 1)),
  error TEXT NOT NULL DEFAULT '',
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1))
);
INSERT INTO jobs_with_next_title SELECT * FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_with_next_title RENAME TO jobs;
CREATE INDEX jobs_queued_by_schedule ON jobs(scheduled_at, id) WHERE status = 'queued';
CREATE INDEX jobs_by_status ON jobs(status, id);

ALTER TABLE models ADD COLUMN role TEXT NOT NULL DEFAULT 'personal' CHECK (role IN ('personal', 'next_title'));
DROP INDEX models_single_active;
CREATE UNIQUE INDEX models_single_active_per_role ON models(role, active) WHERE active = 1;
)sql";

// Search jobs ('search' is among the kinds since migration 6) store every measurement of their
// trials: one row per trial and rung.
constexpr char kSearchTrials[] = R"sql(
CREATE TABLE search_trials (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  rung INTEGER NOT NULL CHECK (rung >= 0),
  trial INTEGER NOT NULL CHECK (trial >= 0),
  epochs INTEGER NOT NULL CHECK (epochs > 0),
  params_json TEXT NOT NULL CHECK (json_valid(params_json)),
  validation_metric REAL,
  seconds REAL NOT NULL CHECK (seconds >= 0),
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, rung, trial)
) WITHOUT ROWID;
)sql";

// A/B experiments (server/experiment_manager.h): the definition (arms, allow-list) as the API's
// JSON, the state and times as columns.
constexpr char kExperiments[] = R"sql(
CREATE TABLE experiments (
  name TEXT PRIMARY KEY CHECK (name <> ''),
  layer TEXT NOT NULL CHECK (layer <> ''),
  state TEXT NOT NULL CHECK (state IN ('running', 'stopped')),
  definition_json TEXT NOT NULL CHECK (json_valid(definition_json)),
  created_at INTEGER NOT NULL,
  stopped_at INTEGER,
  CHECK ((state = 'running') = (stopped_at IS NULL))
) WITHOUT ROWID;
-- At most one running experiment per layer, whoever writes the file.
CREATE UNIQUE INDEX experiments_one_running_per_layer ON experiments(layer) WHERE state = 'running';
)sql";

constexpr std::array<Migration, 8> kMigrations = {{
    {1, "models and training jobs", kModelsAndJobs},
    {2, "hot interactions", kHotInteractions},
    {3, "blacklist", kBlacklist},
    {4, "when models were deleted", kModelDeletionTime},
    {5, "user and title id 0 are catalog ids; the global blacklist is user_id -1",
     kIdZeroIsACatalogId},
    {6, "next-title jobs and model roles", kNextTitleModels},
    {7, "search trials", kSearchTrials},
    {8, "experiments", kExperiments},
}};

}  // namespace

absl::Span<const Migration> SchemaMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

}  // namespace vitrina::registry
