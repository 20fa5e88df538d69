//! `GET /v1/responses.csv` and `GET /v1/responses.xlsx`: every selected response as one
//! row, with the same filter, scope and audit line, and the cells of [`crate::csv`].
//!
//! Both stream from the database page by page, so an export of any size holds one page
//! of rows in memory:
//! - CSV goes out as it is written. A failure after the header was sent ends the
//!   transfer without its final chunk, so the client sees a broken download rather
//!   than a silently short file.
//! - XLSX is a zip whose directory comes last, so nothing can be sent before the
//!   workbook is complete. The rows go to a constant-memory worksheet of
//!   rust_xlsxwriter (each row is written to a temporary file when the next one starts),
//!   the workbook is saved into an unnamed temporary file, and that file is sent with
//!   its length. A failure is then a plain `{"error"}` reply. Sheet 1 holds the
//!   responses (frozen header rows, a filter on every column); sheet 2 the advisors
//!   (per dealer and advisor: responses, CSI, NPS with its adjusted-Wald interval,
//!   responses with alerts), counted while the rows pass, so no second read and no
//!   row kept. Cells are typed (numbers are numbers) and never defused: a cell written
//!   as text is never run as a formula by a spreadsheet.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::csv::{Cell, Layout};
use crate::error::ApiError;
use crate::query::{Lang, Shape};
use crate::settings::Zones;
use crate::store::{Filter, PageRequest, Row};
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// Rows read per database round trip while streaming.
const PAGE: u32 = 500;
/// How long the columns of an export may take. They come from one pass of the database
/// over the whole selection (every context key and answered question), which takes
/// seconds for 100 000 responses: past the deadline of ordinary reads (`--db-deadline-ms`),
/// which is for requests a person waits on. A SQLite reader does not hold up posts (WAL);
/// PostgreSQL still cancels a statement after its own `statement_timeout`.
const COLUMNS_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);
/// Bytes per chunk when sending the finished workbook.
const CHUNK: usize = 64 * 1024;

/// Reads every row of `filter` page by page into `tx`, redacting contact data unless
/// `contact`; stops early when the receiver is gone. A database failure is sent as the
/// last item.
async fn read_pages(
    app: Shared,
    filter: Filter,
    contact: bool,
    tx: mpsc::Sender<Result<Vec<Row>, String>>,
) {
    let mut after = None;
    loop {
        let page = PageRequest {
            after,
            limit: PAGE,
            newest_first: false,
        };
        let mut rows = match app
            .db("read the responses", app.store.page(&filter, page))
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                let _ = tx.send(Err(e.reason)).await;
                return;
            }
        };
        // The next page's cursor, taken before the rows are handed on.
        let next = (rows.len() == PAGE as usize)
            .then(|| rows.last().map(|r| r.seq))
            .flatten();
        if !contact {
            rows.iter_mut().for_each(crate::auth::redact::contact);
        }
        if !rows.is_empty() && tx.send(Ok(rows)).await.is_err() {
            return; // the client went away
        }
        match next {
            Some(seq) => after = Some(seq),
            None => return,
        }
    }
}

fn write_failed(e: impl std::fmt::Display) -> ApiError {
    tracing::error!("export: {e}");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "could not write the export",
    )
}

pub async fn csv(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (q, contact, zones) =
        super::read_query(&app, &uri, Shape::Export, &principal, Resource::Export).await?;
    // Every export is recorded, with contact data or not; the row count is not known
    // before the stream ends.
    super::audit_read(&app, &principal, "export", "/v1/responses.csv", &q, None).await?;
    let columns = app
        .db_within(
            COLUMNS_DEADLINE,
            "read the responses",
            app.store.columns(&q.filter),
        )
        .await?;
    let own = crate::definitions::published_among(&app, &columns).await?;
    let layout = Layout::of(&columns, q.export, &own);
    let header_lines = layout.header().map_err(write_failed)?;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (rows_tx, mut rows_rx) = mpsc::channel(2);
    tokio::spawn(read_pages(Arc::clone(&app), q.filter, contact, rows_tx));
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(header_lines))).await.is_err() {
            return;
        }
        while let Some(page) = rows_rx.recv().await {
            let rows = match page {
                Ok(rows) => rows,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e))).await;
                    return;
                }
            };
            let mut chunk = Vec::new();
            for row in rows {
                match layout.row(&row, &zones) {
                    Ok(line) => chunk.extend(line),
                    Err(e) => {
                        tracing::error!("csv export: {e}");
                        let _ = tx.send(Err(std::io::Error::other(e))).await;
                        return;
                    }
                }
            }
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return; // the client went away
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"responses.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(ReceiverStream::new(rx)),
    )
        .into_response())
}

pub async fn xlsx(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (q, contact, zones) =
        super::read_query(&app, &uri, Shape::Export, &principal, Resource::Export).await?;
    super::audit_read(&app, &principal, "export", "/v1/responses.xlsx", &q, None).await?;
    let columns = app
        .db_within(
            COLUMNS_DEADLINE,
            "read the responses",
            app.store.columns(&q.filter),
        )
        .await?;
    let own = crate::definitions::published_among(&app, &columns).await?;
    let layout = Layout::of(&columns, q.export, &own);
    let lang = q.export.lang;
    let (rows_tx, rows_rx) = mpsc::channel(2);
    tokio::spawn(read_pages(Arc::clone(&app), q.filter, contact, rows_tx));
    let mut file = tokio::task::spawn_blocking(move || workbook(&layout, &zones, lang, rows_rx))
        .await
        .map_err(write_failed)??;
    let length = file
        .seek(std::io::SeekFrom::End(0))
        .and_then(|n| file.rewind().map(|()| n))
        .map_err(write_failed)?;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || loop {
        let mut buf = vec![0; CHUNK];
        match file.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                buf.truncate(n);
                if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                return;
            }
        }
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"responses.xlsx\"".to_string(),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        Body::from_stream(ReceiverStream::new(rx)),
    )
        .into_response())
}

/// One advisor's figures, counted as the rows pass.
#[derive(Debug, Default)]
struct AdvisorTally {
    responses: u32,
    csi_sum: f64,
    csi_n: u32,
    promoters: u32,
    passives: u32,
    detractors: u32,
    with_alerts: u32,
}

impl AdvisorTally {
    fn add(&mut self, row: &Row) {
        self.responses += 1;
        let Some(card) = row
            .score
            .as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        else {
            return;
        };
        if let Some(csi) = card["csi"].as_f64() {
            self.csi_sum += csi;
            self.csi_n += 1;
        }
        match card["nps"]["category"].as_str() {
            Some("promoter") => self.promoters += 1,
            Some("passive") => self.passives += 1,
            Some("detractor") => self.detractors += 1,
            _ => {}
        }
        if card["alerts"].as_array().is_some_and(|a| !a.is_empty()) {
            self.with_alerts += 1;
        }
    }
}

/// Sheet names and the advisors sheet's labels, per language.
fn sheet_text(lang: Lang) -> (&'static str, &'static str, [&'static str; 8]) {
    match lang {
        Lang::ZhCn => (
            "答卷",
            "服务顾问",
            [
                "经销商",
                "服务顾问",
                "答卷数",
                "CSI",
                "NPS",
                "NPS 95% 下限",
                "NPS 95% 上限",
                "有预警的答卷",
            ],
        ),
        Lang::ZhTw => (
            "答卷",
            "服務顧問",
            [
                "經銷商",
                "服務顧問",
                "答卷數",
                "CSI",
                "NPS",
                "NPS 95% 下限",
                "NPS 95% 上限",
                "有預警的答卷",
            ],
        ),
        Lang::En => (
            "Responses",
            "Advisors",
            [
                "Dealer",
                "Advisor",
                "Responses",
                "CSI",
                "NPS",
                "NPS 95% low",
                "NPS 95% high",
                "Responses with alerts",
            ],
        ),
    }
}

/// Builds the workbook from the rows arriving on `rows` into an unnamed temporary file.
fn workbook(
    layout: &Layout,
    zones: &Zones,
    lang: Lang,
    mut rows: mpsc::Receiver<Result<Vec<Row>, String>>,
) -> Result<std::fs::File, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let (responses_name, advisors_name, advisor_labels) = sheet_text(lang);
    let bold = Format::new().set_bold();
    let one_decimal = Format::new().set_num_format("0.0");
    let mut book = Workbook::new();
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(write_failed)?;
    sheet.set_name(responses_name).map_err(write_failed)?;
    let mut r: u32 = 0;
    for (c, label) in layout.labels().iter().enumerate() {
        sheet
            .write_string_with_format(r, col(c)?, label, &bold)
            .map_err(write_failed)?;
    }
    if layout.ids_row() {
        r += 1;
        for (c, id) in layout.ids().iter().enumerate() {
            sheet.write_string(r, col(c)?, id).map_err(write_failed)?;
        }
    }
    let header_rows = r + 1;
    let last_col = col(layout.labels().len().saturating_sub(1))?;
    let mut advisors: BTreeMap<(String, String), AdvisorTally> = BTreeMap::new();
    while let Some(page) = rows.blocking_recv() {
        let page = page.map_err(|e| write_failed(format!("reading: {e}")))?;
        for row in page {
            r += 1;
            for (c, cell) in layout
                .cells(&row, zones)
                .map_err(write_failed)?
                .into_iter()
                .enumerate()
            {
                let c = col(c)?;
                match cell {
                    Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                    Cell::Number(n, _) if c == 7 => sheet
                        .write_number_with_format(r, c, n, &one_decimal)
                        .map(|_| ()),
                    Cell::Number(n, _) => sheet.write_number(r, c, n).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(write_failed)?;
            }
            let context: BTreeMap<String, String> =
                serde_json::from_str(&row.context).unwrap_or_default();
            let key = (
                row.dealer.clone().unwrap_or_default(),
                context.get("advisor").cloned().unwrap_or_default(),
            );
            advisors.entry(key).or_default().add(&row);
        }
    }
    sheet
        .set_freeze_panes(header_rows, 0)
        .map_err(write_failed)?;
    sheet
        .autofilter(header_rows - 1, 0, r.max(header_rows - 1), last_col)
        .map_err(write_failed)?;

    let sheet = book.add_worksheet();
    sheet.set_name(advisors_name).map_err(write_failed)?;
    for (c, label) in advisor_labels.iter().enumerate() {
        sheet
            .write_string_with_format(0, col(c)?, *label, &bold)
            .map_err(write_failed)?;
    }
    let mut r = 0;
    for ((dealer, advisor), t) in &advisors {
        r += 1;
        sheet.write_string(r, 0, dealer).map_err(write_failed)?;
        sheet.write_string(r, 1, advisor).map_err(write_failed)?;
        sheet
            .write_number(r, 2, f64::from(t.responses))
            .map_err(write_failed)?;
        if t.csi_n > 0 {
            sheet
                .write_number_with_format(r, 3, t.csi_sum / f64::from(t.csi_n), &one_decimal)
                .map_err(write_failed)?;
        }
        if let Some(nps) = survey_core::scoring::nps_adjusted_wald(
            t.promoters,
            t.passives,
            t.detractors,
            survey_core::scoring::Z_95,
        ) {
            for (c, v) in [(4, nps.nps), (5, nps.low), (6, nps.high)] {
                sheet
                    .write_number_with_format(r, c, v, &one_decimal)
                    .map_err(write_failed)?;
            }
        }
        sheet
            .write_number(r, 7, f64::from(t.with_alerts))
            .map_err(write_failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(write_failed)?;
    sheet.autofilter(0, 0, r, 7).map_err(write_failed)?;

    let mut file = tempfile::tempfile().map_err(write_failed)?;
    book.save_to_writer(&mut file).map_err(write_failed)?;
    Ok(file)
}

/// A column index as the worksheet takes it.
fn col(c: usize) -> Result<u16, ApiError> {
    u16::try_from(c).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "these responses have more columns than a worksheet holds; export them as CSV",
        )
    })
}
