//! Reading a dealer's repair-order file (`POST /v1/dealers/{dealer}/repair-orders`).
//!
//! ## The file
//! CSV (RFC 4180, read with the `csv` crate), UTF-8, with or without a byte order mark
//! (Excel's "CSV UTF-8" writes one). GBK / "ANSI" files are refused with a line that
//! says to save as CSV UTF-8: guessing an encoding could store a wrong phone number.
//! Row 1 names the columns, in any order, English or Chinese, any case:
//!
//! | column | also | required | value |
//! |---|---|---|---|
//! | `RO` | `repair order`, `repair_order`, `工单号` | yes | the repair order number |
//! | `dealer` | `经销商` | yes | the dealer of the URL (a file is one dealer's) |
//! | `advisor` | `服务顾问` | no | the service advisor's id |
//! | `customer phone` | `phone`, `客户电话` | no | digits, spaces, `+ - ( )`; 5-20 digits |
//! | `pickup date` | `pickup_date`, `交车日期` | yes | `YYYY-MM-DD`, the dealer's date |
//!
//! ## All or nothing
//! Every line is checked before anything is stored; the first bad one refuses the
//! whole file with its line and column (`line 14, pickup date: "2026/13/01" is not a
//! date (YYYY-MM-DD)`), so a dealer fixes the file and sends it again, and never has
//! to work out which half went in. Lines count from 1 = the header, as a spreadsheet
//! numbers them. A phone number is never repeated in a refusal (it is personal data and
//! refusals may be logged by whoever sent the file).

use survey_core::context::check_context_value;

/// One checked line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairOrder {
    pub repair_order: String,
    pub advisor: Option<String>,
    pub phone: Option<String>,
    pub pickup_date: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Ro,
    Dealer,
    Advisor,
    Phone,
    Pickup,
}

impl Column {
    fn of_header(h: &str) -> Option<Column> {
        let h = h.trim().to_lowercase().replace(['_', '-'], " ");
        match h.as_str() {
            "ro" | "repair order" | "repair order number" | "工单号" | "工单" => {
                Some(Column::Ro)
            }
            "dealer" | "经销商" => Some(Column::Dealer),
            "advisor" | "service advisor" | "服务顾问" => Some(Column::Advisor),
            "customer phone" | "phone" | "客户电话" | "电话" => Some(Column::Phone),
            "pickup date" | "pickup" | "交车日期" => Some(Column::Pickup),
            _ => None,
        }
    }

    /// The name refusals use.
    fn name(self) -> &'static str {
        match self {
            Column::Ro => "RO",
            Column::Dealer => "dealer",
            Column::Advisor => "advisor",
            Column::Phone => "customer phone",
            Column::Pickup => "pickup date",
        }
    }
}

const EXPECTED: &str = "RO, dealer, advisor, customer phone, pickup date";

/// The phone as stored: its digits, with a leading `+` kept; `None` if it is not one.
pub fn phone(raw: &str) -> Option<String> {
    let t = raw.trim();
    if !t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
        return None;
    }
    if t.chars().skip(1).any(|c| c == '+') {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if !(5..=20).contains(&digits.len()) {
        return None;
    }
    Some(if t.starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    })
}

/// The 1-based line of byte `offset` of `body`.
fn line_of(body: &[u8], offset: usize) -> usize {
    1 + body[..offset.min(body.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

/// The repair orders of `body` for `dealer`, or the one line that refuses the file.
pub fn parse(body: &[u8], dealer: &str) -> Result<Vec<RepairOrder>, String> {
    let body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
    if let Err(e) = std::str::from_utf8(body) {
        return Err(format!(
            "line {}: the file is not UTF-8 text; save it as \"CSV UTF-8\" (GBK or ANSI files are not read)",
            line_of(body, e.valid_up_to())
        ));
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: not a CSV header ({e}); expected columns {EXPECTED}"))?
        .clone();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(format!(
            "the file is empty; expected a header line with the columns {EXPECTED}"
        ));
    }
    let mut columns: Vec<Option<Column>> = Vec::new();
    for h in headers.iter() {
        let c = Column::of_header(h);
        if let Some(c) = c {
            if columns.contains(&Some(c)) {
                return Err(format!("line 1: the column {:?} is there twice", c.name()));
            }
        } else if !h.trim().is_empty() {
            return Err(format!(
                "line 1: unknown column {:?}; expected columns {EXPECTED}",
                h.trim()
            ));
        }
        columns.push(c);
    }
    for needed in [Column::Ro, Column::Dealer, Column::Pickup] {
        if !columns.contains(&Some(needed)) {
            return Err(format!(
                "line 1: no {:?} column; expected columns {EXPECTED}",
                needed.name()
            ));
        }
    }
    let mut out: Vec<RepairOrder> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            ::csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => format!(
                "line {}: {len} fields, but the header has {expected_len}",
                pos.as_ref().map_or(0, |p| p.line())
            ),
            _ => format!(
                "line {}: not CSV ({e})",
                e.position().map_or(0, |p| p.line())
            ),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // a blank line at the end, as spreadsheets write
        }
        let mut order = RepairOrder {
            repair_order: String::new(),
            advisor: None,
            phone: None,
            pickup_date: String::new(),
        };
        for (field, column) in record.iter().zip(&columns) {
            let Some(column) = column else { continue };
            let value = field.trim();
            let at = |what: String| format!("line {line}, {}: {what}", column.name());
            match column {
                Column::Ro => {
                    if value.is_empty() {
                        return Err(at("empty; every line needs its repair order".into()));
                    }
                    check_context_value(value).map_err(|e| at(format!("{value:?}: {e}")))?;
                    order.repair_order = value.to_string();
                }
                Column::Dealer => {
                    if value != dealer {
                        return Err(at(format!(
                            "{value:?} is not {dealer}, the dealer this import is for"
                        )));
                    }
                }
                Column::Advisor => {
                    if !value.is_empty() {
                        check_context_value(value).map_err(|e| at(format!("{value:?}: {e}")))?;
                        order.advisor = Some(value.to_string());
                    }
                }
                Column::Phone => {
                    if !value.is_empty() {
                        order.phone = Some(phone(value).ok_or_else(|| {
                            at("not a phone number (5-20 digits; spaces, + - ( ) allowed)".into())
                        })?);
                    }
                }
                Column::Pickup => {
                    if survey_core::time::parse_date(value).is_none() {
                        return Err(at(format!("{value:?} is not a date (YYYY-MM-DD)")));
                    }
                    order.pickup_date = value.to_string();
                }
            }
        }
        if let Some(first) = seen.insert(order.repair_order.clone(), line as usize) {
            return Err(format!(
                "line {line}, RO: {:?} is also on line {first}; one line per repair order",
                order.repair_order
            ));
        }
        out.push(order);
    }
    if out.is_empty() {
        return Err("the file has no repair orders after its header line".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "RO,dealer,advisor,customer phone,pickup date\n";

    #[test]
    fn a_file_with_a_bom_and_chinese_headers() {
        let body = "\u{feff}工单号,经销商,服务顾问,客户电话,交车日期\r\nR1,D001,A07,138 0013 8000,2026-11-28\r\nR2,D001,,,2026-11-29\r\n";
        let rows = parse(body.as_bytes(), "D001").expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].phone.as_deref(), Some("13800138000"));
        assert_eq!(rows[0].advisor.as_deref(), Some("A07"));
        assert_eq!(
            (rows[1].advisor.clone(), rows[1].phone.clone()),
            (None, None)
        );
    }

    #[test]
    fn refusals_name_the_line_and_column() {
        let cases = [
            (
                format!("{HEAD}R1,D001,A07,,2026-11-28\nR2,D001,A07,,2026/13/01\n"),
                "line 3, pickup date: \"2026/13/01\" is not a date (YYYY-MM-DD)",
            ),
            (
                format!("{HEAD}R1,D002,A07,,2026-11-28\n"),
                "line 2, dealer: \"D002\" is not D001, the dealer this import is for",
            ),
            (
                format!("{HEAD}R1,D001,A07,call me,2026-11-28\n"),
                "line 2, customer phone: not a phone number (5-20 digits; spaces, + - ( ) allowed)",
            ),
            (
                format!("{HEAD},D001,A07,,2026-11-28\n"),
                "line 2, RO: empty; every line needs its repair order",
            ),
            (
                format!("{HEAD}R1,D001,A07,,2026-11-28\nR1,D001,A08,,2026-11-29\n"),
                "line 3, RO: \"R1\" is also on line 2; one line per repair order",
            ),
            (
                format!("{HEAD}R1,D001,A07,2026-11-28\n"),
                "line 2: 4 fields, but the header has 5",
            ),
            (
                "RO,dealer,advisor\nR1,D001,A07\n".to_string(),
                "line 1: no \"pickup date\" column; expected columns RO, dealer, advisor, customer phone, pickup date",
            ),
            (
                "RO,dealer,colour,pickup date\n".to_string(),
                "line 1: unknown column \"colour\"; expected columns RO, dealer, advisor, customer phone, pickup date",
            ),
            (HEAD.to_string(), "the file has no repair orders after its header line"),
        ];
        for (body, want) in cases {
            assert_eq!(
                parse(body.as_bytes(), "D001"),
                Err(want.to_string()),
                "{body}"
            );
        }
    }

    #[test]
    fn gbk_is_refused_with_its_line() {
        let mut body = HEAD.as_bytes().to_vec();
        body.extend_from_slice(b"R1,D001,\xb7\xfe\xce\xf1,,2026-11-28\n"); // 服务 in GBK
        let e = parse(&body, "D001").expect_err("refused");
        assert!(e.starts_with("line 2: the file is not UTF-8"), "{e}");
        assert!(e.contains("GBK"), "{e}");
    }

    #[test]
    fn a_refused_phone_is_not_echoed() {
        let body = format!("{HEAD}R1,D001,A07,1380013800099999999999,2026-11-28\n");
        let e = parse(body.as_bytes(), "D001").expect_err("refused");
        assert!(!e.contains("13800"), "{e}");
    }

    #[test]
    fn phones() {
        assert_eq!(
            phone("+86 138-0013-8000").as_deref(),
            Some("+8613800138000")
        );
        assert_eq!(phone("(021) 5555 1234").as_deref(), Some("02155551234"));
        for bad in ["1234", "12a45678", "138+0013", ""] {
            assert_eq!(phone(bad), None, "{bad}");
        }
    }
}
