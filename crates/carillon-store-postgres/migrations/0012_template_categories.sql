-- Template categories as GC Notify has them (same ids and names, so the API returns what GC
-- Notify's does). GC's starter categories give lanes as low/medium/high; here they are the
-- bulk/normal/priority lanes those mean. The three generic ones are hidden.
CREATE TABLE template_categories (
    id                 uuid    NOT NULL PRIMARY KEY,
    name_en            text    NOT NULL UNIQUE,
    name_fr            text    NOT NULL UNIQUE,
    description_en     text,
    description_fr     text,
    sms_process_type   text    NOT NULL CHECK (sms_process_type IN ('priority', 'normal', 'bulk')),
    email_process_type text    NOT NULL CHECK (email_process_type IN ('priority', 'normal', 'bulk')),
    hidden             boolean NOT NULL
);
INSERT INTO template_categories (id, name_en, name_fr, description_en, description_fr,
    sms_process_type, email_process_type, hidden) VALUES
    ('0dda24c2-982a-4f44-9749-0e38b2607e89', 'Low Category (Bulk)', 'Catégorie Basse (En Vrac)', NULL, NULL, 'bulk', 'bulk', true),
    ('f75d6706-21b7-437e-b93a-2c0ab771e28e', 'Medium Category (Normal)', 'Catégorie Moyenne (Normale)', NULL, NULL, 'normal', 'normal', true),
    ('c4f87d7c-a55b-4c0f-91fe-e56c65bb1871', 'High Category (Priority)', 'Catégorie Haute (Priorité)', NULL, NULL, 'priority', 'priority', true),
    ('1d8ce435-a7e5-431b-aaa2-a418bc4d14f9', 'Alert', 'Alerte', 'System checks and monitoring', 'Contrôles et surveillance du système', 'normal', 'normal', false),
    ('b6c42a7e-2a26-4a07-802b-123a5c3198a9', 'Authentication', 'Authentification', 'Password resets and two factor verification', 'Réinitialisations de mot de passe et vérification à deux facteurs', 'priority', 'priority', false),
    ('977e2a00-f957-4ff0-92f2-ca3286b24786', 'Automatic reply', 'Réponse automatique', 'No-reply and confirmation messages', 'Messages automatiques de non-réponse et de confirmation', 'priority', 'priority', false),
    ('e81678c0-4897-4111-b9d0-172f6b595f89', 'Decision', 'Décision', 'Permits, documents and results', 'Livraisons de permis, documents et résultats', 'bulk', 'bulk', false),
    ('207b293c-2ae5-48e8-836d-fcabd60b2153', 'Information blast', 'Diffusion d''informations', 'Newsletters, surveys and general information', 'Bulletins d''information, enquêtes et informations générales', 'bulk', 'bulk', false),
    ('edb966f3-4a4c-47a4-96ab-05ff259b919c', 'Reminder', 'Rappel', 'Appointments and deadlines', 'Rendez-vous et échéances', 'normal', 'normal', false),
    ('e0b8fbe5-f435-4977-8fc8-03f13d9296a5', 'Request', 'Demande', 'Request: Follow up and next steps', 'Suivis et prochaines étapes', 'normal', 'normal', false),
    ('55eb1137-6dc6-4094-9031-f61124a279dc', 'Status update', 'Mise à jour du statut', 'Changes and progress', 'Changements et progrès', 'bulk', 'bulk', false),
    ('7c16aa95-e2e1-4497-81d6-04c656520fe4', 'Test', 'Test', 'Practice messages', 'Messages de pratique', 'bulk', 'bulk', false);

-- Every template has a category. Those made before categories existed get the generic one of
-- the lane they had, so no message changes lane. `process_type` stays the lane in use: the
-- override when set, else the category's lane for the channel.
ALTER TABLE templates ADD COLUMN category_id uuid REFERENCES template_categories (id);
ALTER TABLE templates ADD COLUMN process_type_override text
    CHECK (process_type_override IN ('priority', 'normal', 'bulk'));
ALTER TABLE template_versions ADD COLUMN category_id uuid;
ALTER TABLE template_versions ADD COLUMN process_type_override text;
UPDATE templates SET category_id = CASE process_type
    WHEN 'bulk' THEN '0dda24c2-982a-4f44-9749-0e38b2607e89'::uuid
    WHEN 'priority' THEN 'c4f87d7c-a55b-4c0f-91fe-e56c65bb1871'::uuid
    ELSE 'f75d6706-21b7-437e-b93a-2c0ab771e28e'::uuid END;
UPDATE template_versions SET category_id = CASE process_type
    WHEN 'bulk' THEN '0dda24c2-982a-4f44-9749-0e38b2607e89'::uuid
    WHEN 'priority' THEN 'c4f87d7c-a55b-4c0f-91fe-e56c65bb1871'::uuid
    ELSE 'f75d6706-21b7-437e-b93a-2c0ab771e28e'::uuid END;
ALTER TABLE templates ALTER COLUMN category_id SET NOT NULL;
ALTER TABLE template_versions ALTER COLUMN category_id SET NOT NULL;

-- GC Notify's API key permissions; keys made before them have none.
ALTER TABLE api_keys ADD COLUMN manage_templates boolean NOT NULL DEFAULT false;
ALTER TABLE api_keys ADD COLUMN manage_reports boolean NOT NULL DEFAULT false;
