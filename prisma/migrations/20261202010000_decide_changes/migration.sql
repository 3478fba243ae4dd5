-- /decide answers from a per-process cache (lib/runtime/decide-cache.ts). Every instance learns what
-- changed from the database itself, whoever wrote it (an instance, the worker, a merge's cascade, a
-- deletion): the statements that can change a decision notify channel `pathwise_decide`, delivered to
-- listeners when their transaction commits (never for one that rolls back).
--   {"p": [profile ids]}  in-app touchpoints of these profiles were inserted, updated or deleted, or
--                         an identity that pointed at them was re-pointed or deleted (a merge)
--   {"all": true}         a flow's status or priority changed, a flow was deleted, or the list of
--                         profiles was too long for one notification (8,000 bytes)
-- Inserted identities notify nothing: the cache keeps no answer for an identity it could not find.

CREATE FUNCTION "decide_changes_notify"(p_ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload TEXT;
BEGIN
    IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    payload := json_build_object('p', p_ids)::text;
    IF octet_length(payload) > 7900 THEN
        payload := '{"all":true}';
    END IF;
    PERFORM pg_notify('pathwise_decide', payload);
END $$;

CREATE FUNCTION "touchpoints_decide_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decide_changes_notify(ARRAY(SELECT DISTINCT profile_id FROM decide_new WHERE channel = 'in_app'));
    RETURN NULL;
END $$;

CREATE FUNCTION "touchpoints_decide_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decide_changes_notify(ARRAY(
        SELECT profile_id FROM decide_old WHERE channel = 'in_app'
        UNION SELECT profile_id FROM decide_new WHERE channel = 'in_app'));
    RETURN NULL;
END $$;

CREATE FUNCTION "touchpoints_decide_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decide_changes_notify(ARRAY(SELECT DISTINCT profile_id FROM decide_old WHERE channel = 'in_app'));
    RETURN NULL;
END $$;

CREATE FUNCTION "identities_decide_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decide_changes_notify(ARRAY(SELECT DISTINCT profile_id FROM decide_old));
    RETURN NULL;
END $$;

CREATE FUNCTION "flows_decide_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pathwise_decide', '{"all":true}');
    RETURN NULL;
END $$;

CREATE TRIGGER "touchpoints_decide_insert" AFTER INSERT ON "touchpoints"
    REFERENCING NEW TABLE AS decide_new FOR EACH STATEMENT EXECUTE FUNCTION touchpoints_decide_inserted();
CREATE TRIGGER "touchpoints_decide_update" AFTER UPDATE ON "touchpoints"
    REFERENCING OLD TABLE AS decide_old NEW TABLE AS decide_new FOR EACH STATEMENT EXECUTE FUNCTION touchpoints_decide_updated();
CREATE TRIGGER "touchpoints_decide_delete" AFTER DELETE ON "touchpoints"
    REFERENCING OLD TABLE AS decide_old FOR EACH STATEMENT EXECUTE FUNCTION touchpoints_decide_deleted();
CREATE TRIGGER "identity_directory_decide_update" AFTER UPDATE ON "identity_directory"
    REFERENCING OLD TABLE AS decide_old FOR EACH STATEMENT EXECUTE FUNCTION identities_decide_changed();
CREATE TRIGGER "identity_directory_decide_delete" AFTER DELETE ON "identity_directory"
    REFERENCING OLD TABLE AS decide_old FOR EACH STATEMENT EXECUTE FUNCTION identities_decide_changed();
CREATE TRIGGER "flows_decide_update" AFTER UPDATE ON "flows"
    FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."priority" IS DISTINCT FROM NEW."priority")
    EXECUTE FUNCTION flows_decide_changed();
CREATE TRIGGER "flows_decide_delete" AFTER DELETE ON "flows"
    FOR EACH STATEMENT EXECUTE FUNCTION flows_decide_changed();
