//! Words for the codes records show (the JSON and the registers keep the codes).

use crate::i18n::t;

/// Words for the codes a decision record shows (the JSON keeps the codes).
pub fn labels() -> serde_json::Value {
    let pairs: &[(&str, &str, &str)] = &[
        ("allowed", "får publiceras", "may be published"),
        (
            "allowed_with_conditions",
            "får publiceras med villkor",
            "may be published with conditions",
        ),
        ("not_allowed", "får inte publiceras", "may not be published"),
        (
            "none_needed",
            "ingen behövs (inga personuppgifter)",
            "none needed (no personal data)",
        ),
        (
            "public_task",
            "allmänt intresse (art. 6.1 e)",
            "public task (Art. 6(1)(e))",
        ),
        ("consent", "samtycke (art. 6.1 a)", "consent (Art. 6(1)(a))"),
        (
            "explicit_consent",
            "uttryckligt samtycke (art. 9.2 a)",
            "explicit consent (Art. 9(2)(a))",
        ),
        ("none", "ingen", "none"),
        ("valid", "giltigt", "valid"),
        ("missing", "saknas", "missing"),
        ("withdrawn", "återkallat", "withdrawn"),
        ("expired", "har gått ut", "expired"),
        ("out_of_scope", "täcker inte användningen", "out of scope"),
        ("not_needed", "behövs inte", "not needed"),
        ("not_yet_valid", "gäller ännu inte", "not yet valid"),
        ("pupil", "elev", "pupil"),
        ("child", "barn", "child"),
        ("staff", "personal", "staff"),
        (
            "official",
            "tjänsteperson/förtroendevald i sin roll",
            "official in their role",
        ),
        ("public", "allmänheten", "member of the public"),
        (
            "inform_activity",
            "information om verksamheten",
            "information about the activity",
        ),
        ("event", "evenemang", "event"),
        ("marketing", "marknadsföring", "marketing"),
        ("recruitment", "rekrytering", "recruitment"),
        ("documentation", "dokumentation", "documentation"),
        ("subject", "personen själv", "the person"),
        ("guardian", "vårdnadshavare", "guardian"),
        ("signed_form", "undertecknad blankett", "signed form"),
        ("e_signature", "e-underskrift", "e-signature"),
        ("email", "e-post", "e-mail"),
        ("other", "annat", "other"),
        ("photo", "bild", "photo"),
        ("video", "film", "video"),
        ("name", "namn", "name"),
        ("voice", "röst", "voice"),
        ("active", "gäller", "active"),
        ("low", "låg", "low"),
        ("medium", "medel", "medium"),
        ("high", "hög", "high"),
    ];
    serde_json::Value::Object(
        pairs
            .iter()
            .map(|(k, sv, en)| (k.to_string(), serde_json::Value::String(t(sv, en))))
            .collect(),
    )
}
