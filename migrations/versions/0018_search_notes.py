"""the search index holds every note written on a task: its history's notes, its thread's comments
and its submissions' narratives

Revision ID: 0018_search_notes
Revises: 0017_task_closing
Create Date: 2026-12-01 15:00:00

"""

from alembic import op

revision = "0018_search_notes"
down_revision = "0017_task_closing"
branch_labels = None
depends_on = None

# As written by gplan/models/search_index.py when this migration was made.
SQLITE = [
    "CREATE VIRTUAL TABLE search_event USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_event_insert AFTER INSERT ON task_event BEGIN\n  INSERT INTO search_event (rowid, words) SELECT NEW.id, replace(replace(NEW.note, 'đ', 'd'), 'Đ', 'd') WHERE NEW.note IS NOT NULL;\nEND",
    "CREATE TRIGGER search_event_update AFTER UPDATE OF note ON task_event BEGIN\n  DELETE FROM search_event WHERE rowid = OLD.id;\n  INSERT INTO search_event (rowid, words) SELECT NEW.id, replace(replace(NEW.note, 'đ', 'd'), 'Đ', 'd') WHERE NEW.note IS NOT NULL;\nEND",
    "CREATE TRIGGER search_event_delete AFTER DELETE ON task_event BEGIN\n  DELETE FROM search_event WHERE rowid = OLD.id;\nEND",
    "CREATE VIRTUAL TABLE search_comment USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_comment_insert AFTER INSERT ON task_comment BEGIN\n  INSERT INTO search_comment (rowid, words) SELECT NEW.id, replace(replace(NEW.\"text\", 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_comment_update AFTER UPDATE OF \"text\" ON task_comment BEGIN\n  DELETE FROM search_comment WHERE rowid = OLD.id;\n  INSERT INTO search_comment (rowid, words) SELECT NEW.id, replace(replace(NEW.\"text\", 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_comment_delete AFTER DELETE ON task_comment BEGIN\n  DELETE FROM search_comment WHERE rowid = OLD.id;\nEND",
    "CREATE VIRTUAL TABLE search_submission USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_submission_insert AFTER INSERT ON task_submission BEGIN\n  INSERT INTO search_submission (rowid, words) SELECT NEW.id, replace(replace(NEW.narrative, 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_submission_update AFTER UPDATE OF narrative ON task_submission BEGIN\n  DELETE FROM search_submission WHERE rowid = OLD.id;\n  INSERT INTO search_submission (rowid, words) SELECT NEW.id, replace(replace(NEW.narrative, 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_submission_delete AFTER DELETE ON task_submission BEGIN\n  DELETE FROM search_submission WHERE rowid = OLD.id;\nEND",
]
SQLITE_FILL = [
    "INSERT INTO search_event (rowid, words) SELECT id, replace(replace(note, 'đ', 'd'), 'Đ', 'd') FROM task_event WHERE note IS NOT NULL",
    "INSERT INTO search_comment (rowid, words) SELECT id, replace(replace(\"text\", 'đ', 'd'), 'Đ', 'd') FROM task_comment",
    "INSERT INTO search_submission (rowid, words) SELECT id, replace(replace(narrative, 'đ', 'd'), 'Đ', 'd') FROM task_submission",
]
POSTGRESQL = [
    "CREATE INDEX ix_search_event ON task_event USING gin (to_tsvector('simple', gplan_fold(note))) WHERE note IS NOT NULL",
    "CREATE INDEX ix_search_comment ON task_comment USING gin (to_tsvector('simple', gplan_fold(\"text\")))",
    "CREATE INDEX ix_search_submission ON task_submission USING gin (to_tsvector('simple', gplan_fold(narrative)))",
]
SOURCES = {
    "search_event": "task_event",
    "search_comment": "task_comment",
    "search_submission": "task_submission",
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL:
            op.execute(statement)
        return
    for statement in SQLITE + SQLITE_FILL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in SOURCES:
            op.execute(f"DROP INDEX IF EXISTS ix_{name}")
        return
    for name in SOURCES:
        for change in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{change}")
        op.execute(f"DROP TABLE IF EXISTS {name}")
