"""the search index: duties, bodies and notes, folded to letters without marks, kept by the database

Revision ID: 0016_task_search
Revises: 0015_plan_drafts
Create Date: 2026-12-01 11:00:00

"""

from alembic import op

revision = "0016_task_search"
down_revision = "0015_plan_drafts"
branch_labels = None
depends_on = None

# As written by gplan/models/search_index.py when this migration was made.
SQLITE = [
    "CREATE VIRTUAL TABLE search_duty USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_duty_insert AFTER INSERT ON responsibility BEGIN\n  INSERT INTO search_duty (rowid, words) SELECT NEW.id, replace(replace(coalesce(NEW.ref, '') || ' ' || coalesce(NEW.\"text\", '') || ' ' || coalesce(NEW.title_en, ''), 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_duty_update AFTER UPDATE OF ref, \"text\", title_en ON responsibility BEGIN\n  DELETE FROM search_duty WHERE rowid = OLD.id;\n  INSERT INTO search_duty (rowid, words) SELECT NEW.id, replace(replace(coalesce(NEW.ref, '') || ' ' || coalesce(NEW.\"text\", '') || ' ' || coalesce(NEW.title_en, ''), 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_duty_delete AFTER DELETE ON responsibility BEGIN\n  DELETE FROM search_duty WHERE rowid = OLD.id;\nEND",
    "CREATE VIRTUAL TABLE search_body USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_body_insert AFTER INSERT ON body BEGIN\n  INSERT INTO search_body (rowid, words) SELECT NEW.id, replace(replace(coalesce(NEW.name, '') || ' ' || coalesce(NEW.name_en, '') || ' ' || coalesce(NEW.short_name, ''), 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_body_update AFTER UPDATE OF name, name_en, short_name ON body BEGIN\n  DELETE FROM search_body WHERE rowid = OLD.id;\n  INSERT INTO search_body (rowid, words) SELECT NEW.id, replace(replace(coalesce(NEW.name, '') || ' ' || coalesce(NEW.name_en, '') || ' ' || coalesce(NEW.short_name, ''), 'đ', 'd'), 'Đ', 'd');\nEND",
    "CREATE TRIGGER search_body_delete AFTER DELETE ON body BEGIN\n  DELETE FROM search_body WHERE rowid = OLD.id;\nEND",
    "CREATE VIRTUAL TABLE search_note USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_note_insert AFTER INSERT ON task BEGIN\n  INSERT INTO search_note (rowid, words) SELECT NEW.id, replace(replace(NEW.note, 'đ', 'd'), 'Đ', 'd') WHERE NEW.note IS NOT NULL;\nEND",
    "CREATE TRIGGER search_note_update AFTER UPDATE OF note ON task BEGIN\n  DELETE FROM search_note WHERE rowid = OLD.id;\n  INSERT INTO search_note (rowid, words) SELECT NEW.id, replace(replace(NEW.note, 'đ', 'd'), 'Đ', 'd') WHERE NEW.note IS NOT NULL;\nEND",
    "CREATE TRIGGER search_note_delete AFTER DELETE ON task BEGIN\n  DELETE FROM search_note WHERE rowid = OLD.id;\nEND",
]
SQLITE_FILL = [
    "INSERT INTO search_duty (rowid, words) SELECT id, replace(replace(coalesce(ref, '') || ' ' || coalesce(\"text\", '') || ' ' || coalesce(title_en, ''), 'đ', 'd'), 'Đ', 'd') FROM responsibility",
    "INSERT INTO search_body (rowid, words) SELECT id, replace(replace(coalesce(name, '') || ' ' || coalesce(name_en, '') || ' ' || coalesce(short_name, ''), 'đ', 'd'), 'Đ', 'd') FROM body",
    "INSERT INTO search_note (rowid, words) SELECT id, replace(replace(note, 'đ', 'd'), 'Đ', 'd') FROM task WHERE note IS NOT NULL",
]
POSTGRESQL = [
    "CREATE FUNCTION gplan_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT regexp_replace(translate(lower($1), 'đĐÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ', 'ddaaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy'), '[^a-z0-9]+', ' ', 'g') $$",
    "CREATE INDEX ix_search_duty ON responsibility USING gin (to_tsvector('simple', gplan_fold(coalesce(ref, '') || ' ' || coalesce(\"text\", '') || ' ' || coalesce(title_en, ''))))",
    "CREATE INDEX ix_search_body ON body USING gin (to_tsvector('simple', gplan_fold(coalesce(name, '') || ' ' || coalesce(name_en, '') || ' ' || coalesce(short_name, ''))))",
    "CREATE INDEX ix_search_note ON task USING gin (to_tsvector('simple', gplan_fold(note))) WHERE note IS NOT NULL",
]
SOURCES = {"search_duty": "responsibility", "search_body": "body", "search_note": "task"}


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
        op.execute("DROP FUNCTION IF EXISTS gplan_fold(text)")
        return
    for name in SOURCES:
        for change in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{change}")
        op.execute(f"DROP TABLE IF EXISTS {name}")
