-- The build of parley whose projector writes a version (the GNU build id of its executable). A
-- rebuild left building resumes only under the same build, so that every row of a version comes
-- from one projector; NULL for versions made before this column, and by parley migrate.
SET search_path TO parley, public;

ALTER TABLE projection_versions ADD COLUMN projector_build TEXT;
