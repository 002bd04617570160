-- Template categories as GC Notify has them (same ids and names, so the API returns what GC
-- Notify's does). GC's starter categories give lanes as low/medium/high; here they are the
-- bulk/normal/priority lanes those mean. The three generic ones are hidden.
CREATE TABLE template_categories (
    id                 BLOB    NOT NULL PRIMARY KEY,
    name_en            TEXT    NOT NULL UNIQUE,
    name_fr            TEXT    NOT NULL UNIQUE,
    description_en     TEXT,
    description_fr     TEXT,
    sms_process_type   TEXT    NOT NULL CHECK (sms_process_type IN ('priority', 'normal', 'bulk')),
    email_process_type TEXT    NOT NULL CHECK (email_process_type IN ('priority', 'normal', 'bulk')),
    hidden             INTEGER NOT NULL
) STRICT;
INSERT INTO template_categories (id, name_en, name_fr, description_en, description_fr,
    sms_process_type, email_process_type, hidden) VALUES
    (X'0dda24c2982a4f4497490e38b2607e89', 'Low Category (Bulk)', 'Catégorie Basse (En Vrac)', NULL, NULL, 'bulk', 'bulk', 1),
    (X'f75d670621b7437eb93a2c0ab771e28e', 'Medium Category (Normal)', 'Catégorie Moyenne (Normale)', NULL, NULL, 'normal', 'normal', 1),
    (X'c4f87d7ca55b4c0f91fee56c65bb1871', 'High Category (Priority)', 'Catégorie Haute (Priorité)', NULL, NULL, 'priority', 'priority', 1),
    (X'1d8ce435a7e5431baaa2a418bc4d14f9', 'Alert', 'Alerte', 'System checks and monitoring', 'Contrôles et surveillance du système', 'normal', 'normal', 0),
    (X'b6c42a7e2a264a07802b123a5c3198a9', 'Authentication', 'Authentification', 'Password resets and two factor verification', 'Réinitialisations de mot de passe et vérification à deux facteurs', 'priority', 'priority', 0),
    (X'977e2a00f9574ff092f2ca3286b24786', 'Automatic reply', 'Réponse automatique', 'No-reply and confirmation messages', 'Messages automatiques de non-réponse et de confirmation', 'priority', 'priority', 0),
    (X'e81678c048974111b9d0172f6b595f89', 'Decision', 'Décision', 'Permits, documents and results', 'Livraisons de permis, documents et résultats', 'bulk', 'bulk', 0),
    (X'207b293c2ae548e8836dfcabd60b2153', 'Information blast', 'Diffusion d''informations', 'Newsletters, surveys and general information', 'Bulletins d''information, enquêtes et informations générales', 'bulk', 'bulk', 0),
    (X'edb966f34a4c47a496ab05ff259b919c', 'Reminder', 'Rappel', 'Appointments and deadlines', 'Rendez-vous et échéances', 'normal', 'normal', 0),
    (X'e0b8fbe5f43549778fc803f13d9296a5', 'Request', 'Demande', 'Request: Follow up and next steps', 'Suivis et prochaines étapes', 'normal', 'normal', 0),
    (X'55eb11376dc640949031f61124a279dc', 'Status update', 'Mise à jour du statut', 'Changes and progress', 'Changements et progrès', 'bulk', 'bulk', 0),
    (X'7c16aa95e2e1449781d604c656520fe4', 'Test', 'Test', 'Practice messages', 'Messages de pratique', 'bulk', 'bulk', 0);

-- Every template has a category. Those made before categories existed get the generic one of
-- the lane they had, so no message changes lane. `process_type` stays the lane in use: the
-- override when set, else the category's lane for the channel.
-- (SQLite cannot add a NOT NULL column with a REFERENCES clause; the store checks the id.)
ALTER TABLE templates ADD COLUMN category_id BLOB NOT NULL
    DEFAULT X'f75d670621b7437eb93a2c0ab771e28e';
ALTER TABLE templates ADD COLUMN process_type_override TEXT
    CHECK (process_type_override IN ('priority', 'normal', 'bulk'));
ALTER TABLE template_versions ADD COLUMN category_id BLOB NOT NULL
    DEFAULT X'f75d670621b7437eb93a2c0ab771e28e';
ALTER TABLE template_versions ADD COLUMN process_type_override TEXT;
UPDATE templates SET category_id = CASE process_type
    WHEN 'bulk' THEN X'0dda24c2982a4f4497490e38b2607e89'
    WHEN 'priority' THEN X'c4f87d7ca55b4c0f91fee56c65bb1871'
    ELSE X'f75d670621b7437eb93a2c0ab771e28e' END;
UPDATE template_versions SET category_id = CASE process_type
    WHEN 'bulk' THEN X'0dda24c2982a4f4497490e38b2607e89'
    WHEN 'priority' THEN X'c4f87d7ca55b4c0f91fee56c65bb1871'
    ELSE X'f75d670621b7437eb93a2c0ab771e28e' END;

-- GC Notify's API key permissions; keys made before them have none.
ALTER TABLE api_keys ADD COLUMN manage_templates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN manage_reports INTEGER NOT NULL DEFAULT 0;
