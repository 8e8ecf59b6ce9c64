-- 单位类型 as a list the office keeps: a unit's type (units.kind, its name) is one of these or
-- empty, so a typo can no longer open a ranking class of its own. The types units already have
-- become the list. The twin is ../sqlite/0023_unit_types.sql.
CREATE TABLE unit_types (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
);

-- The list counts each type's units, and a rename updates them.
CREATE INDEX units_by_kind ON units (kind);

INSERT INTO unit_types (name, created_at)
SELECT kind, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM (SELECT DISTINCT kind FROM units WHERE kind <> '') k ORDER BY kind;
