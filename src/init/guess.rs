//! The names `minefree init` recognises: which layer is which input and which field is
//! which SPEC field, from the SPEC's names, common export names (IMSMA NG and Core
//! shapefile exports, national databases) and words in English, Spanish, French,
//! Portuguese, Russian and Ukrainian; and SPEC values for the values found in exports.
//!
//! Names are compared lower-cased with `_`, `-` and spaces removed; a layer name
//! matches a word when it contains it.

use crate::config::{Field, LayerKind};

/// Lower case without `_`, `-`, `.` and spaces: `Area_Peligrosa` → `areapeligrosa`.
pub fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Words in layer or file names that say which input a layer is.
pub fn layer_words(kind: LayerKind) -> &'static [&'static str] {
    match kind {
        LayerKind::Hazards => &[
            "hazard",
            "peligro",
            "peligros",
            "danger",
            "minefield",
            "sha",
            "cha",
            "опасн",
            "небезпеч",
            "perigo",
            "contamin",
            "suspect",
            "confirm",
        ],
        LayerKind::Releases => &[
            "release",
            "cancel",
            "despej",
            "clear",
            "reduc",
            "estudio",
            "survey",
            "completion",
            "liber",
            "dépoll",
            "depoll",
            "limpeza",
            "очищ",
            "розмінув",
            "разминир",
            "hazreduc",
            "task",
        ],
        LayerKind::Regions => &[
            "region",
            "province",
            "provincia",
            "municip",
            "district",
            "distrito",
            "departament",
            "admin",
            "adm1",
            "adm2",
            "boundar",
            "область",
            "район",
            "oblast",
            "rayon",
            "commune",
            "canton",
            "entidad",
        ],
        LayerKind::Settlements => &[
            "settlement",
            "village",
            "localidad",
            "poblado",
            "town",
            "locality",
            "населен",
            "village",
            "aldeia",
            "populated",
            "place",
            "comunidad",
            "vereda",
        ],
        LayerKind::Accidents => &[
            "accident",
            "victim",
            "casualt",
            "incident",
            "accidente",
            "víctima",
            "victima",
            "несчаст",
            "пострад",
            "nesreć",
            "mishap",
        ],
        LayerKind::Targets => &["target", "meta", "objetivo", "plan", "цел", "ціл"],
    }
}

/// Source field names that mean `field` (squashed), most specific first.
pub fn field_names(kind: LayerKind, field: Field) -> &'static [&'static str] {
    use Field::*;
    match (kind, field) {
        (_, HazardId) => &[
            "hazardid",
            "hazid",
            "hazardlocalid",
            "idpeligro",
            "idhazard",
            "hazardcode",
            "imsmaid",
            "featureid",
            "objectid",
            "id",
        ],
        (_, Status) => &[
            "status",
            "hazardcla",
            "hazardclass",
            "classification",
            "estado",
            "statut",
            "статус",
            "clase",
        ],
        (_, HazardType) => &[
            "hazardtype",
            "hazardtyp",
            "contamination",
            "tipo",
            "type",
            "tipoamenaza",
            "threattype",
            "тип",
        ],
        (_, RecordedOn) => &[
            "recordedon",
            "daterecorded",
            "recorded",
            "statuscha",
            "fecharegistro",
            "fechareporte",
            "reportdate",
            "date",
            "fecha",
            "дата",
        ],
        (_, ReleaseId) => &[
            "releaseid",
            "hazreduclocalid",
            "hazreducid",
            "taskid",
            "imsmaid",
            "featureid",
            "completionid",
            "objectid",
            "id",
        ],
        (_, Method) => &[
            "method",
            "releasemethod",
            "metodo",
            "método",
            "méthode",
            "methode",
            "activity",
            "landrelease",
            "метод",
        ],
        (_, CompletedOn) => &[
            "completedon",
            "completed",
            "enddate",
            "datecompleted",
            "completiondate",
            "fechafin",
            "fechafinalizacion",
            "finishdate",
            "datefin",
            "дата",
        ],
        (_, ReleaseHazardId) => &[
            "hazardid",
            "hazardlocalid",
            "hazreducg",
            "hazid",
            "linkedhazard",
        ],
        (_, Organisation) => &[
            "organisation",
            "organization",
            "organisati",
            "org",
            "organizati",
            "agency",
            "operator",
            "operador",
            "organizacion",
            "organización",
            "opérateur",
            "организация",
        ],
        (_, RegionId) => &[
            "regionid",
            "pcode",
            "adm2pcode",
            "adm1pcode",
            "admpcode",
            "code",
            "codigo",
            "código",
            "divipola",
            "id",
            "objectid",
        ],
        (_, RegionName) => &[
            "name",
            "nombre",
            "nom",
            "nome",
            "region",
            "province",
            "provincia",
            "municipio",
            "district",
            "adm2en",
            "adm1en",
            "название",
            "назва",
        ],
        (_, ParentId) => &["parentid", "adm1pcode", "parent", "departamento"],
        (_, SettlementId) => &[
            "settlementid",
            "placeid",
            "localityid",
            "codigo",
            "código",
            "code",
            "id",
            "objectid",
        ],
        (_, SettlementName) => &[
            "name",
            "nombre",
            "nom",
            "nome",
            "village",
            "localidad",
            "название",
        ],
        (_, Population) => &[
            "population",
            "pop",
            "poblacion",
            "población",
            "habitantes",
            "inhabitants",
            "население",
            "населення",
            "populacao",
            "população",
        ],
        (_, AccidentId) => &[
            "accidentid",
            "incidentid",
            "victimid",
            "imsmaid",
            "id",
            "objectid",
        ],
        (_, OccurredOn) => &[
            "occurredon",
            "date",
            "accidentdate",
            "incidentdate",
            "fecha",
            "fechaaccidente",
            "дата",
        ],
        (_, Casualties) => &[
            "casualties",
            "victims",
            "victimas",
            "víctimas",
            "killed",
            "injured",
        ],
        (_, StartedOn) => &[
            "startedon",
            "startdate",
            "started",
            "fechainicio",
            "datestart",
            "начало",
        ],
        (_, TargetYear) => &["year", "ano", "año", "annee", "год", "рік"],
        (_, TargetM2) => &[
            "targetm2",
            "target",
            "meta",
            "objetivo",
            "areatarget",
            "plannedm2",
        ],
    }
}

/// The SPEC value an export's value most likely means, for `field`; `None` when there
/// is no obvious guess. `@skip` for hazards recorded as released (`Expired`, `Closed`).
pub fn value_guess(field: &str, value: &str) -> Option<&'static str> {
    let v = squash(value);
    // short codes must be the whole value ("ap" is in "map"), words may be part of it
    let is = |codes: &[&str]| codes.contains(&v.as_str());
    let has = |words: &[&str]| words.iter().any(|w| v.contains(w));
    match field {
        // "Suspected Minefield" is suspected: before "minefield"
        "status"
            if is(&["sha"]) || has(&["suspect", "sospech", "suspeit", "подозр", "converted"]) =>
        {
            Some("SHA")
        }
        "status" if is(&["cha", "dha"]) || has(&["confirm", "minefield", "подтвержд"]) => {
            Some("CHA")
        }
        "status"
            if has(&[
                "expired", "closed", "released", "cancel", "cerrad", "liberad",
            ]) =>
        {
            Some("@skip")
        }
        "method" if has(&["clear", "despej", "limp", "démin", "demin"]) => Some("cleared"),
        // "non-technical" before "technical"
        "method" if is(&["nts"]) || has(&["cancel", "nontechnical", "notécnic", "notecnic"]) => {
            Some("cancelled")
        }
        "method" if is(&["ts"]) || has(&["reduc", "technical", "técnic", "tecnic"]) => {
            Some("reduced")
        }
        "hazard_type" if is(&["ap", "apm"]) || has(&["antipersonnel", "antipersonal"]) => {
            Some("AP")
        }
        "hazard_type" if is(&["at", "atm"]) || has(&["antitank", "antitanque"]) => Some("AT"),
        "hazard_type" if is(&["cmr", "cm"]) || has(&["cluster", "submunic"]) => Some("CMR"),
        "hazard_type" if is(&["ied"]) || has(&["improvis", "artefacto"]) => Some("IED"),
        "hazard_type" if is(&["uxo", "erw", "muse", "ao"]) || has(&["unexploded", "remnant"]) => {
            Some("ERW")
        }
        "hazard_type" if has(&["mixed", "mixto", "mixte"]) => Some("MIXED"),
        _ => None,
    }
}

/// The method a release layer's own name says (Colombia's `Areas_Canceladas`,
/// `Estudios_Tecnicos`, `Areas_Despejadas`), for a `method` default.
pub fn method_of_layer(name: &str) -> Option<&'static str> {
    let n = squash(name);
    if n.contains("despej") || n.contains("clear") || n.contains("limp") {
        Some("cleared")
    } else if n.contains("notecnic") || n.contains("nontechnical") || n.contains("cancel") {
        Some("cancelled")
    } else if n.contains("tecnic") || n.contains("technical") || n.contains("reduc") {
        Some("reduced")
    } else {
        None
    }
}
