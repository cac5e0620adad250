//! `puffery._puffery`: the thin PyO3 layer between Python and the puffery library.
//!
//! Everything a scan does happens in the library; this module only turns Python values into
//! [`DocInput`]s, releases the GIL while Rust works, and hands back each document as the JSON
//! line of the output contract (`puffery::output::write_jsonl_document`, the CLI's own
//! serializer), which the Python package turns into a `dict`. The public API, its docstrings
//! and type stubs are in `puffery/__init__.py`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use puffery::output::{DocMeta, write_jsonl_document, write_jsonl_error};
use puffery::rules::RuleSet;
use puffery::scan::{BATCH_BYTES, BATCH_DOCS};
use puffery::{DocFormat, DocInput, ScannerOptions};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyIterator, PyString};
use rayon::prelude::*;

pyo3::create_exception!(
    _puffery,
    RulePackError,
    PyValueError,
    "A rule pack could not be used; `file`, `line` and the message name where and which rule."
);

/// The library's error as a Python exception: a bad rule pack is a `RulePackError` (a
/// `ValueError`) carrying `file` and `line`.
fn py_err(py: Python<'_>, e: puffery::Error) -> PyErr {
    match &e {
        puffery::Error::RulePack { file, line, .. } => {
            let err = RulePackError::new_err(e.to_string());
            let value = err.value(py);
            // Setting attributes on a fresh exception instance cannot fail in practice; if it
            // did, the message still names file and line.
            let _ = value.setattr("file", file);
            let _ = value.setattr("line", *line);
            err
        }
        // Inputs, configuration files, and any variant the library adds later.
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// One document, owned, so it can cross into threads that do not hold the GIL.
struct Doc {
    bytes: Vec<u8>,
    format: DocFormat,
    url: Option<String>,
    id: String,
    lang: Option<String>,
    record: u64,
}

/// A compiled scanner; `Send + Sync`, shared by every thread.
#[pyclass(frozen, module = "puffery._puffery")]
struct Scanner {
    inner: Arc<puffery::Scanner>,
}

/// Document bytes from a `str` (its UTF-8) or `bytes` (as they are; the library decodes).
fn body_bytes(v: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = v.cast::<PyString>() {
        Ok(s.to_cow()?.as_bytes().to_vec())
    } else if let Ok(b) = v.cast::<PyBytes>() {
        Ok(b.as_bytes().to_vec())
    } else {
        Err(PyTypeError::new_err(format!(
            "{what} must be str or bytes, not {}",
            v.get_type().name()?
        )))
    }
}

/// An id as the CLI writes it: a string, or a number's digits.
fn id_string(v: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        Ok(s.to_cow()?.into_owned())
    } else {
        Ok(v.str()?.to_cow()?.into_owned())
    }
}

fn opt_str(v: Option<Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    match v {
        Some(v) if !v.is_none() => Ok(Some(v.str()?.to_cow()?.into_owned())),
        _ => Ok(None),
    }
}

/// One item of `scan_many`: a `str`/`bytes` (plain text), or a mapping with `html` or `text`
/// and optional `id`, `url`, `lang` (or `language`), as a JSONL line read by the CLI.
fn doc_from_item(item: &Bound<'_, PyAny>, source: &str, record: u64) -> PyResult<Doc> {
    let default_id = || format!("{source}:{}", record + 1);
    if item.is_instance_of::<PyString>() || item.is_instance_of::<PyBytes>() {
        return Ok(Doc {
            bytes: body_bytes(item, "a document")?,
            format: DocFormat::Text,
            url: None,
            id: default_id(),
            lang: None,
            record,
        });
    }
    let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        if let Ok(d) = item.cast::<PyDict>() {
            return Ok(d.get_item(key)?.filter(|v| !v.is_none()));
        }
        match item.get_item(key) {
            Ok(v) if !v.is_none() => Ok(Some(v)),
            Ok(_) => Ok(None),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(item.py()) => Ok(None),
            Err(e) => Err(e),
        }
    };
    if !(item.is_instance_of::<PyDict>() || item.hasattr("keys")?) {
        return Err(PyTypeError::new_err(format!(
            "item {record}: expected str, bytes or a mapping with `html` or `text`, not {}",
            item.get_type().name()?
        )));
    }
    let (format, body) = match (get("html")?, get("text")?) {
        (Some(h), _) => (DocFormat::Html, h),
        (None, Some(t)) => (DocFormat::Text, t),
        (None, None) => {
            return Err(PyValueError::new_err(format!(
                "item {record}: no `text` or `html` field"
            )));
        }
    };
    let bytes = body_bytes(&body, &format!("item {record}: the document"))?;
    let id = match get("id")? {
        Some(v) => id_string(&v)?,
        None => default_id(),
    };
    let lang = match get("lang")? {
        Some(v) => Some(v),
        None => get("language")?,
    };
    Ok(Doc {
        bytes,
        format,
        url: opt_str(get("url")?)?,
        id,
        lang: opt_str(lang)?.and_then(|l| puffery::input::normalize_lang(&l)),
        record,
    })
}

/// Scans one document and writes its contract JSON (the CLI's `document` line, without the
/// line break); a panic (a bug) becomes the CLI's `error` line for that record instead.
fn scan_to_json(scanner: &puffery::Scanner, doc: &Doc, source: &str) -> Vec<u8> {
    let scanned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        scanner.scan(&DocInput {
            bytes: &doc.bytes,
            format: doc.format,
            url: doc.url.as_deref(),
            lang: doc.lang.as_deref(),
            charset: None,
            inline_ignore: false,
        })
    }));
    let mut out = Vec::with_capacity(512);
    let written = match scanned {
        Ok(result) => {
            let meta = DocMeta {
                id: &doc.id,
                source,
                record: doc.record,
                url: doc.url.as_deref(),
            };
            write_jsonl_document(&mut out, &meta, &result)
        }
        Err(_) => write_jsonl_error(
            &mut out,
            source,
            doc.record,
            "internal error while scanning (a bug, please report it with this record)",
        ),
    };
    written.expect("writing to a Vec cannot fail");
    out.pop(); // the line break
    out
}

/// Rayon pools by thread count, built once: a pool per `scan_many` call would cost more than
/// a small batch.
fn pool(threads: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(p) = pools.get(&threads) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))?,
    );
    pools.insert(threads, p.clone());
    Ok(p)
}

#[pymethods]
impl Scanner {
    #[new]
    #[pyo3(signature = (packs, builtin, select, ignore, lang, threshold))]
    fn new(
        py: Python<'_>,
        packs: Vec<(String, String)>,
        builtin: bool,
        select: Vec<String>,
        ignore: Vec<String>,
        lang: Option<String>,
        threshold: Option<f64>,
    ) -> PyResult<Scanner> {
        let built = py.detach(|| -> Result<puffery::Scanner, puffery::Error> {
            let mut rules = if builtin {
                RuleSet::builtin()?
            } else {
                RuleSet::default()
            };
            for (file, text) in &packs {
                rules.add_pack(file, text)?;
            }
            rules.filter(&select, &ignore);
            let mut opts = ScannerOptions {
                lang,
                ..ScannerOptions::default()
            };
            if let Some(t) = threshold {
                opts.threshold = t;
            }
            puffery::Scanner::new(rules, opts)
        });
        Ok(Scanner {
            inner: Arc::new(built.map_err(|e| py_err(py, e))?),
        })
    }

    /// Scans one document; returns its contract JSON as bytes.
    #[pyo3(signature = (body, html, url, id, source, lang))]
    #[allow(clippy::too_many_arguments)] // the keyword arguments of `Scanner.scan`
    fn scan_json<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        html: bool,
        url: Option<String>,
        id: Option<Bound<'py, PyAny>>,
        source: String,
        lang: Option<String>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let doc = Doc {
            bytes: body_bytes(body, if html { "html" } else { "text" })?,
            format: if html {
                DocFormat::Html
            } else {
                DocFormat::Text
            },
            url,
            id: match id.filter(|v| !v.is_none()) {
                Some(v) => id_string(&v)?,
                None => source.clone(),
            },
            lang: lang.and_then(|l| puffery::input::normalize_lang(&l)),
            record: 0,
        };
        let scanner = &self.inner;
        let json = py.detach(|| scan_to_json(scanner, &doc, &source));
        Ok(PyBytes::new(py, &json))
    }

    /// A lazy iterator of contract JSON lines (bytes), one per item, in input order.
    #[pyo3(signature = (items, threads, source))]
    fn scan_many(
        &self,
        items: &Bound<'_, PyAny>,
        threads: Option<usize>,
        source: String,
    ) -> PyResult<ScanIter> {
        let workers = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            // One worker of its own, so that Python threads each running a `scan_many`
            // scan in parallel.
            Some(1) => Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?,
            ),
            Some(n) => pool(n)?,
            None => pool(rayon::current_num_threads())?,
        };
        Ok(ScanIter {
            scanner: self.inner.clone(),
            items: items.try_iter()?.unbind(),
            source: Arc::from(source),
            workers,
            state: Mutex::new(IterState::default()),
        })
    }

    /// Ids of the rules this scanner applies, in matcher order.
    fn rule_ids(&self) -> Vec<String> {
        self.inner
            .rules
            .rules
            .iter()
            .map(|r| r.rule.id.clone())
            .collect()
    }
}

#[derive(Default)]
struct IterState {
    /// Results not yet handed out, in input order.
    ready: VecDeque<Vec<u8>>,
    /// The batches being scanned meanwhile, in input order.
    in_flight: VecDeque<std::sync::mpsc::Receiver<Vec<Vec<u8>>>>,
    next_record: u64,
    /// No more items will be read.
    done: bool,
    /// An item that could not be read: raised once the results before it are out.
    error: Option<PyErr>,
}

/// Batches queued for the workers ahead of the one the caller waits for: the workers never
/// wait for Python to read items (the caller thread may wait to be scheduled again).
const AHEAD: usize = 2;

/// `scan_many`'s iterator. It reads batches of items (GIL held) and scans them on worker
/// threads (GIL released) while the caller takes earlier results, [`AHEAD`] batches ahead, so
/// Python and Rust work at the same time, as the CLI's reader thread and its workers do.
#[pyclass(frozen, module = "puffery._puffery")]
struct ScanIter {
    scanner: Arc<puffery::Scanner>,
    items: Py<PyIterator>,
    source: Arc<str>,
    /// The rayon pool scanning this iterator's batches.
    workers: Arc<rayon::ThreadPool>,
    state: Mutex<IterState>,
}

impl ScanIter {
    /// Reads the next batch of items and starts scanning it.
    fn launch(&self, py: Python<'_>, state: &mut IterState) {
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut items = self.items.bind(py).clone();
        while batch.len() < BATCH_DOCS && bytes < BATCH_BYTES {
            let doc = items
                .next()
                .map(|item| item.and_then(|i| doc_from_item(&i, &self.source, state.next_record)));
            match doc {
                None => {
                    state.done = true;
                    break;
                }
                Some(Ok(doc)) => {
                    state.next_record += 1;
                    bytes += doc.bytes.len();
                    batch.push(doc);
                }
                Some(Err(e)) => {
                    state.error = Some(e);
                    state.done = true;
                    break;
                }
            }
        }
        if batch.is_empty() {
            return;
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let (scanner, source) = (self.scanner.clone(), self.source.clone());
        self.workers.spawn(move || {
            let results: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|d| scan_to_json(&scanner, d, &source))
                .collect();
            let _ = tx.send(results);
        });
        state.in_flight.push_back(rx);
    }

    /// Queues batches until [`AHEAD`] are in flight or the items are done.
    fn top_up(&self, py: Python<'_>, state: &mut IterState) {
        while state.in_flight.len() < AHEAD && !state.done {
            self.launch(py, state);
        }
    }
}

#[pymethods]
impl ScanIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        // Never wait for the lock while holding the GIL: the holder needs the GIL back to finish.
        let mut state = match self.state.try_lock() {
            Ok(s) => s,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err(
                    "a scan_many iterator is being advanced by another thread",
                ));
            }
        };
        loop {
            if let Some(json) = state.ready.pop_front() {
                return Ok(Some(PyBytes::new(py, &json)));
            }
            self.top_up(py, &mut state);
            if let Some(rx) = state.in_flight.pop_front() {
                let results = py
                    .detach(move || rx.recv())
                    .map_err(|_| PyRuntimeError::new_err("a scan worker stopped (a bug)"))?;
                state.ready.extend(results);
                // Queue the next batch now: it scans while the caller takes these results.
                self.top_up(py, &mut state);
                continue;
            }
            if let Some(e) = state.error.take() {
                return Err(e);
            }
            return Ok(None);
        }
    }
}

/// Classifies one link as the scanner does; the `affiliate` object of the contract as JSON,
/// or `None` when it is not an affiliate link.
#[pyfunction]
#[pyo3(signature = (url, page_url=None))]
fn classify_url_json<'py>(
    py: Python<'py>,
    url: &str,
    page_url: Option<&str>,
) -> Option<Bound<'py, PyBytes>> {
    static CLASSIFIER: OnceLock<puffery::links::Classifier> = OnceLock::new();
    let classifier = CLASSIFIER.get_or_init(puffery::links::Classifier::builtin);
    let ctx = puffery::links::LinkContext {
        page_url,
        ..Default::default()
    };
    let found = classifier.classify(url, &ctx)?;
    let json = serde_json::to_vec(&found).expect("an Affiliate always serializes");
    Some(PyBytes::new(py, &json))
}

/// True when rule id `id` is `prefix` or lies under it (`cta` matches `cta.shop-now`, not
/// `ctab`): the CLI's `--select`/`--ignore` matching.
#[pyfunction]
fn id_matches(id: &str, prefix: &str) -> bool {
    puffery::rules::id_matches(id, prefix)
}

#[pymodule]
fn _puffery(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scanner>()?;
    m.add_class::<ScanIter>()?;
    m.add_function(wrap_pyfunction!(classify_url_json, m)?)?;
    m.add_function(wrap_pyfunction!(id_matches, m)?)?;
    m.add("RulePackError", m.py().get_type::<RulePackError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_THRESHOLD", puffery::verdict::DEFAULT_THRESHOLD)?;
    Ok(())
}
