-- altaviz_writer may read and write Flyway's history table, as it may every other table of the
-- schema. The export checks the history before every run, so without this a login that is only
-- a member of altaviz_writer could not export into a database that a superuser migrated; with
-- it, such a login can also record later migrations it applies. A GRANT, not an ALTER ... OWNER:
-- Flyway reads the table in a transaction of its own while it applies this file, and the
-- exclusive lock of an ALTER TABLE would wait for that transaction forever.
GRANT SELECT, INSERT, UPDATE, DELETE ON flyway_schema_history TO altaviz_writer;
