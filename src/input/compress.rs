//! Transparent gzip, zstd and LZ4 decompression, decided by magic bytes.
//!
//! Gzip is decoded member by member (Common Crawl writes one member per WARC record), so that
//! a corrupt or truncated member, or garbage between members, is reported with its compressed
//! byte offset and decoding goes on at the next member. The start offset of each member is kept
//! for a while, so a WARC reader can say which member a record starts in.
//!
//! zstd files may start with a dictionary frame (the IIPC WARC-zstd format: a skippable frame
//! with magic `0x184D2A5D` holding a dictionary, itself possibly zstd-compressed); the frames
//! after it are decoded with that dictionary. LZ4 files are LZ4 frames (FastWARC writes one
//! frame per record), concatenated; skippable frames between them are passed over.

use std::collections::VecDeque;
use std::io::{self, Read};

use flate2::bufread::GzDecoder;

use super::buf::InBuf;

/// Compression of an input, decided by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed (or an unknown compression: read as is).
    None,
    /// gzip, one or more members (magic `1f 8b`).
    Gzip,
    /// Zstandard, one or more frames (magic `28 b5 2f fd`), or a WARC-zstd dictionary frame
    /// (magic `5d 2a 4d 18`) followed by frames.
    Zstd,
    /// LZ4 frames (magic `04 22 4d 18`, or the legacy `02 21 4c 18`).
    Lz4,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// The WARC-zstd dictionary frame: a zstd skippable frame with this magic.
const ZSTD_DICT_FRAME_MAGIC: [u8; 4] = [0x5d, 0x2a, 0x4d, 0x18];
const LZ4_MAGIC: [u8; 4] = [0x04, 0x22, 0x4d, 0x18];
const LZ4_LEGACY_MAGIC: [u8; 4] = [0x02, 0x21, 0x4c, 0x18];
/// Largest dictionary accepted (the WARC-zstd spec asks decoders for 8 MiB).
const MAX_DICT_BYTES: usize = 32 * 1024 * 1024;

/// Decides the compression from the first bytes of an input.
pub fn detect_compression(head: &[u8]) -> Compression {
    if head.starts_with(&GZIP_MAGIC) {
        Compression::Gzip
    } else if head.starts_with(&ZSTD_MAGIC) || head.starts_with(&ZSTD_DICT_FRAME_MAGIC) {
        Compression::Zstd
    } else if head.starts_with(&LZ4_MAGIC) || head.starts_with(&LZ4_LEGACY_MAGIC) {
        Compression::Lz4
    } else {
        Compression::None
    }
}

/// Strips a compression suffix (`.gz`, `.zst`, `.zstd`, `.lz4`) from a file name.
pub fn strip_compression_suffix(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    for suffix in [".gz", ".zst", ".zstd", ".lz4"] {
        if lower.ends_with(suffix) {
            return &name[..name.len() - suffix.len()];
        }
    }
    name
}

pub(crate) type RawBuf = InBuf<Box<dyn Read + Send>>;

/// The decompressed byte stream of one input.
///
/// `read` returns an `InvalidData` error naming the compressed byte offset when a gzip member
/// is corrupt or truncated, or when non-gzip bytes sit between members, and then goes on with
/// the next member. For zstd, LZ4 and plain inputs an error ends the stream.
pub(crate) enum Decoder {
    Plain(RawBuf),
    Gzip(Box<GzMembers>),
    Zstd {
        dec: Box<zstd::stream::read::Decoder<'static, RawBuf>>,
        done: bool,
    },
    Lz4 {
        dec: Box<lz4_flex::frame::FrameDecoder<RawBuf>>,
        done: bool,
    },
}

/// Reads a WARC-zstd dictionary frame at the start of `raw` and returns the dictionary, with
/// `raw` left after the frame.
fn read_dictionary_frame(raw: &mut RawBuf) -> io::Result<Vec<u8>> {
    let bad = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
    if !raw.fill_at_least(8)? {
        return Err(bad(
            "zstd dictionary frame cut short at compressed byte 0".into()
        ));
    }
    let head = raw.available();
    let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
    if size > MAX_DICT_BYTES {
        return Err(bad(format!(
            "zstd dictionary frame of {size} bytes is larger than the {MAX_DICT_BYTES} byte limit"
        )));
    }
    if !raw.fill_at_least(8 + size)? {
        return Err(bad(format!(
            "zstd dictionary frame of {size} bytes cut short by the end of the input"
        )));
    }
    let data = raw.available()[8..8 + size].to_vec();
    raw.consume_n(8 + size);
    if data.starts_with(&ZSTD_MAGIC) {
        // A compressed dictionary: one zstd frame, decoded without a dictionary.
        let mut out = Vec::new();
        zstd::stream::read::Decoder::new(&data[..])?
            .take(MAX_DICT_BYTES as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| bad(format!("zstd dictionary frame: compressed dictionary: {e}")))?;
        if out.len() > MAX_DICT_BYTES {
            return Err(bad(format!(
                "zstd dictionary is larger than the {MAX_DICT_BYTES} byte limit"
            )));
        }
        return Ok(out);
    }
    // A dictionary in zstd's format (magic `37 a4 30 ec`); other bytes are taken by libzstd as
    // a raw-content dictionary.
    Ok(data)
}

impl Decoder {
    /// Wraps a raw input, choosing the decoder from its first bytes.
    pub(crate) fn new(mut raw: RawBuf, track_members: bool) -> io::Result<(Decoder, Compression)> {
        raw.fill_at_least(4)?;
        let comp = detect_compression(raw.available());
        let dec = match comp {
            Compression::None => Decoder::Plain(raw),
            Compression::Gzip => Decoder::Gzip(Box::new(GzMembers::new(raw, track_members))),
            Compression::Zstd if raw.available().starts_with(&ZSTD_DICT_FRAME_MAGIC) => {
                let dict = read_dictionary_frame(&mut raw)?;
                Decoder::Zstd {
                    dec: Box::new(zstd::stream::read::Decoder::with_dictionary(raw, &dict)?),
                    done: false,
                }
            }
            Compression::Zstd => Decoder::Zstd {
                dec: Box::new(zstd::stream::read::Decoder::with_buffer(raw)?),
                done: false,
            },
            Compression::Lz4 => Decoder::Lz4 {
                dec: Box::new(lz4_flex::frame::FrameDecoder::new(raw)),
                done: false,
            },
        };
        Ok((dec, comp))
    }

    /// Compressed offset of the gzip member in which decompressed byte `pos` lies, when known.
    /// Calls must come with non-decreasing `pos`.
    pub(crate) fn member_offset(&mut self, pos: u64) -> Option<u64> {
        match self {
            Decoder::Gzip(g) => g.member_offset(pos),
            _ => None,
        }
    }
}

impl super::buf::Decoded for Decoder {
    /// The bytes of a gzip member decoded whole not yet handed out (none for other inputs and
    /// members streamed by flate2).
    fn decoded(&self) -> &[u8] {
        match self {
            Decoder::Gzip(g) if g.state == GzState::Whole => &g.whole.block[g.whole.pos..],
            _ => &[],
        }
    }

    fn take_decoded(&mut self, n: usize) {
        if let Decoder::Gzip(g) = self {
            g.take_whole(n);
        }
    }

    fn decode_ahead(&mut self) {
        if let Decoder::Gzip(g) = self
            && g.state == GzState::Start
        {
            g.try_whole();
        }
    }
}

/// The decompressed bytes of `reader`: gzip (every member), zstd (with a WARC-zstd dictionary
/// frame too), LZ4 or plain, chosen from the first bytes, as the input readers do.
pub fn decompressed(reader: Box<dyn Read + Send>) -> io::Result<impl Read + Send> {
    let raw = InBuf::new(reader, super::BUF_SIZE, true);
    Ok(Decoder::new(raw, false)?.0)
}

impl Read for Decoder {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(out),
            Decoder::Gzip(g) => g.read(out),
            Decoder::Zstd { dec, done } => {
                if *done {
                    return Ok(0);
                }
                match dec.read(out) {
                    Ok(n) => Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
                    Err(e) => {
                        *done = true;
                        let at = dec.get_ref().offset();
                        Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("zstd stream unreadable near compressed byte {at}: {e}"),
                        ))
                    }
                }
            }
            Decoder::Lz4 { dec, done } => loop {
                if *done {
                    return Ok(0);
                }
                match dec.read(out) {
                    Ok(0) if !out.is_empty() => {
                        // The end of one frame: go on with the next, past skippable frames.
                        match skip_lz4_skippable(dec.get_mut()) {
                            Ok(true) => {}
                            Ok(false) => {
                                *done = true;
                                return Ok(0);
                            }
                            Err(e) => {
                                *done = true;
                                return Err(e);
                            }
                        }
                    }
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
                    Err(e) => {
                        *done = true;
                        let at = dec.get_ref().offset();
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("lz4 stream unreadable near compressed byte {at}: {e}"),
                        ));
                    }
                }
            },
        }
    }
}

/// Between LZ4 frames: skips skippable frames. `Ok(true)` when another frame follows.
fn skip_lz4_skippable(raw: &mut RawBuf) -> io::Result<bool> {
    loop {
        if !raw.fill_at_least(8)? {
            let left = raw.available().len();
            if left == 0 {
                return Ok(false);
            }
            let at = raw.offset();
            raw.consume_n(left);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{left} stray bytes after the last lz4 frame at compressed byte {at}"),
            ));
        }
        let head = raw.available();
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        if !(0x184D_2A50..=0x184D_2A5F).contains(&magic) {
            return Ok(true);
        }
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as u64;
        raw.consume_n(8);
        raw.skip(size)?;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum GzState {
    /// At the start of a member: libdeflate decodes it whole if it can, else flate2 streams it.
    Start,
    /// Serving a member libdeflate decoded whole (`Whole::block[pos..len]`).
    Whole,
    /// flate2 streams the current member.
    InMember,
    Between,
    Done,
}

/// Most member starts remembered; enough for a read-ahead buffer full of tiny members.
const MAX_TRACKED_MEMBERS: usize = 1 << 16;

/// Multi-member gzip decoder that reports and skips over damage.
///
/// Each member is first decoded whole by libdeflate (faster than zlib-rs; Common Crawl's members
/// hold one record each, so a whole member is small); a member libdeflate cannot
/// take (damaged, cut short, larger than [`WHOLE_MAX_OUT`] decompressed or [`WHOLE_MAX_IN`]
/// compressed, or with a header CRC) is streamed by flate2 from its start, which reports damage
/// and finds the next member as it always has.
pub(crate) struct GzMembers {
    dec: GzDecoder<RawBuf>,
    whole: Whole,
    state: GzState,
    /// Compressed offset where the current member starts.
    member_start: u64,
    /// Decompressed bytes produced so far.
    out_pos: u64,
    /// Whether the current member has produced output yet.
    member_started_output: bool,
    /// After damage, candidate members that fail at once are skipped without another report.
    resyncing: bool,
    track: bool,
    /// (decompressed start, compressed start) of recent members.
    members: VecDeque<(u64, u64)>,
}

fn is_gzip_header(b: &[u8]) -> bool {
    // Magic, deflate method, no reserved flag bits.
    b.len() >= 4 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8 && b[3] & 0xe0 == 0
}

fn empty_raw() -> RawBuf {
    InBuf::new(Box::new(io::empty()), 0, true)
}

impl GzMembers {
    fn new(mut raw: RawBuf, track: bool) -> GzMembers {
        let member_start = raw.offset();
        raw.set_pin(Some(member_start));
        // `GzDecoder::new` would parse the first header at once; `reset` leaves the bytes
        // unread for libdeflate.
        let mut dec = GzDecoder::new(empty_raw());
        dec.reset(raw);
        GzMembers {
            dec,
            whole: Whole::new(),
            state: GzState::Start,
            member_start,
            out_pos: 0,
            member_started_output: false,
            resyncing: false,
            track,
            members: VecDeque::new(),
        }
    }

    fn member_offset(&mut self, pos: u64) -> Option<u64> {
        while self.members.len() >= 2 && self.members[1].0 <= pos {
            self.members.pop_front();
        }
        match self.members.front() {
            Some(&(d, c)) if d <= pos => Some(c),
            _ => None,
        }
    }

    fn start_member(&mut self) {
        let mut raw = std::mem::replace(self.dec.get_mut(), empty_raw());
        self.member_start = raw.offset();
        raw.set_pin(Some(self.member_start));
        self.member_started_output = false;
        self.dec.reset(raw);
        self.state = GzState::Start;
    }

    /// At a member start: decodes the member whole with libdeflate into `whole.block` and
    /// moves past it (`Whole`), or leaves it to flate2 (`InMember`).
    ///
    /// Each try uses only the bytes at hand, and more are read only after a try failed on
    /// them: a pipe whose writer waits for the answer to the member it sent must not leave
    /// the reader waiting for bytes that will not come.
    fn try_whole(&mut self) {
        self.state = GzState::InMember;
        let raw = self.dec.get_mut();
        // Fewer bytes cannot hold a member, so waiting for them is safe. An I/O error or the
        // end of the input leaves the member to flate2, which reports it as before.
        if !matches!(raw.fill_at_least(GZIP_MIN_MEMBER), Ok(true)) {
            return;
        }
        for _ in 0..=WHOLE_RETRIES {
            let input = raw.available();
            if input[3] & FHCRC != 0 {
                // A header CRC, which flate2 checks and libdeflate does not.
                return;
            }
            match self.whole.decode(input) {
                Ok((used, len)) => {
                    raw.consume_n(used);
                    self.whole.pos = 0;
                    self.resyncing = false;
                    self.state = if len == 0 {
                        GzState::Between
                    } else {
                        GzState::Whole
                    };
                    return;
                }
                // Damaged, or longer than the bytes at hand: read more and try again.
                Err(WholeFail::Bad) if input.len() < WHOLE_MAX_IN => {
                    if !matches!(raw.fill_more(), Ok(n) if n > 0) {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    }

    /// Skips bytes up to the next plausible gzip header (or the end). Returns how many.
    fn skip_to_next_header(&mut self) -> io::Result<u64> {
        let raw = self.dec.get_mut();
        let mut skipped = 0u64;
        loop {
            if !raw.fill_at_least(4)? {
                // Fewer than 4 bytes left: they cannot hold a member.
                let n = raw.available().len();
                raw.consume_n(n);
                return Ok(skipped + n as u64);
            }
            let avail = raw.available();
            // Positions below `limit` have the 4 bytes a header check needs.
            let limit = avail.len() - 3;
            let mut from = 0;
            let mut found = None;
            while let Some(i) = memchr::memchr(0x1f, &avail[from..limit]) {
                let at = from + i;
                if is_gzip_header(&avail[at..]) {
                    found = Some(at);
                    break;
                }
                from = at + 1;
            }
            let n = found.unwrap_or(limit);
            raw.consume_n(n);
            skipped += n as u64;
            if found.is_some() {
                return Ok(skipped);
            }
        }
    }

    fn damage(&self, what: String) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, what)
    }
}

impl GzMembers {
    /// Output of the current member: notes where a member's first output starts (for
    /// record offsets) and counts it.
    fn produced(&mut self, n: usize) -> usize {
        if !self.member_started_output {
            self.member_started_output = true;
            self.resyncing = false;
            if self.track {
                if self.members.len() >= MAX_TRACKED_MEMBERS {
                    self.members.pop_front();
                }
                self.members.push_back((self.out_pos, self.member_start));
            }
        }
        self.out_pos += n as u64;
        n
    }

    /// Hands out `n` bytes of the member decoded whole; the member is done after its last.
    fn take_whole(&mut self, n: usize) -> usize {
        let w = &mut self.whole;
        debug_assert!(n <= w.block.len() - w.pos);
        w.pos += n;
        if w.pos == w.block.len() {
            w.done_with_member();
            self.state = GzState::Between;
        }
        self.produced(n)
    }

    /// A member failed to decode: moves to the next gzip header and returns the error to
    /// report, or `None` for a false header found while skipping damage (already reported).
    fn member_failed(&mut self, e: io::Error) -> Option<io::Error> {
        let start = self.member_start;
        let produced = self.member_started_output;
        let hit_eof = matches!(self.dec.get_mut().fill_at_least(1), Ok(false));
        let was_resyncing = self.resyncing;
        self.resyncing = true;
        // Where does the next member start? If the decoder stopped right at a gzip header (a
        // bad CRC), there. Otherwise it may have run past the end of its member: look again
        // from just after the failed member's start, if those bytes are still buffered. Either
        // way, move past `start`, so the same header cannot be found again.
        let raw = self.dec.get_mut();
        let at_header = matches!(raw.fill_at_least(4), Ok(true)) && is_gzip_header(raw.available());
        if !at_header
            && !raw.rewind_to(start + 1)
            && raw.offset() == start
            && matches!(raw.fill_at_least(1), Ok(true))
        {
            raw.consume_n(1);
        }
        // Resume at the next member, if any.
        if let Err(e2) = self.skip_to_next_header() {
            self.state = GzState::Done;
            return Some(self.damage(format!(
                "gzip member at compressed byte {start}: {e}; then read error: {e2}"
            )));
        }
        let next = self.dec.get_mut().offset();
        let at_end = matches!(self.dec.get_mut().fill_at_least(1), Ok(false));
        if at_end {
            self.state = GzState::Done;
        } else {
            self.start_member();
        }
        if was_resyncing && !produced {
            return None;
        }
        let truncated = e.kind() == io::ErrorKind::UnexpectedEof || hit_eof;
        let msg = if truncated && at_end {
            format!("truncated gzip member at compressed byte {start}")
        } else if at_end {
            format!("corrupt gzip member at compressed byte {start} ({e}); no further member")
        } else {
            format!(
                "corrupt gzip member at compressed byte {start} ({e}); \
                 the next member starts at compressed byte {next}"
            )
        };
        Some(self.damage(msg))
    }

    /// Between members: starts the next one at a gzip header (`Ok(true)`), ends at the end of
    /// the input (`Ok(false)`), or skips non-gzip bytes to the next header and reports them.
    fn between(&mut self) -> io::Result<bool> {
        let raw = self.dec.get_mut();
        if !raw.fill_at_least(4)? && raw.available().is_empty() {
            self.state = GzState::Done;
            return Ok(false);
        }
        if is_gzip_header(raw.available()) {
            self.start_member();
            return Ok(true);
        }
        let at = raw.offset();
        let skipped = self.skip_to_next_header()?;
        if self.dec.get_mut().available().is_empty() {
            self.state = GzState::Done;
        } else {
            self.start_member();
        }
        self.resyncing = true;
        Err(self.damage(format!(
            "{skipped} bytes of non-gzip data at compressed byte {at}"
        )))
    }
}

impl Read for GzMembers {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            match self.state {
                GzState::Done => return Ok(0),
                GzState::Start => self.try_whole(),
                GzState::Whole => {
                    let w = &self.whole;
                    let n = (w.block.len() - w.pos).min(out.len());
                    out[..n].copy_from_slice(&w.block[w.pos..w.pos + n]);
                    return Ok(self.take_whole(n));
                }
                GzState::InMember => match self.dec.read(out) {
                    Ok(0) => {
                        self.resyncing = false;
                        self.state = GzState::Between;
                    }
                    Ok(n) => return Ok(self.produced(n)),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
                    Err(e) => {
                        if let Some(err) = self.member_failed(e) {
                            return Err(err);
                        }
                    }
                },
                GzState::Between => {
                    if !self.between()? {
                        return Ok(0);
                    }
                }
            }
        }
    }
}

/// A header flag: the gzip header carries a CRC16 of itself.
const FHCRC: u8 = 0x02;
/// The shortest gzip member: a 10-byte header, an empty deflate block, an 8-byte trailer.
const GZIP_MIN_MEMBER: usize = 18;
/// Tries of one member with more bytes read each time (a file read fills the buffer, which
/// doubles when a member fills it; a pipe gives up to 64 KiB a read).
const WHOLE_RETRIES: usize = 5;
/// Longest member (compressed) decoded whole; longer ones are streamed by flate2.
const WHOLE_MAX_IN: usize = 4 * 1024 * 1024;
/// Output room for the first member; it doubles when a member needs more.
const WHOLE_FIRST_OUT: usize = 1024 * 1024;
/// Largest member (decompressed) decoded whole; larger ones are streamed by flate2, so memory
/// stays bounded whatever a member holds.
const WHOLE_MAX_OUT: usize = 64 * 1024 * 1024;
/// Output room kept between members; after a larger member the block shrinks back to this.
const WHOLE_KEEP_OUT: usize = 8 * 1024 * 1024;

enum WholeFail {
    /// Not a complete, valid member in the bytes given (damaged, or cut short).
    Bad,
    /// Decompressed, the member is larger than [`WHOLE_MAX_OUT`].
    TooLarge,
}

/// Gzip members decoded whole by libdeflate, and the block holding the last one.
struct Whole {
    inflater: libdeflate::Inflater,
    /// The member decoded last (empty once handed out); its capacity is the room.
    block: Vec<u8>,
    /// Bytes of `block` already handed out.
    pos: usize,
}

impl Whole {
    fn new() -> Whole {
        Whole {
            inflater: libdeflate::Inflater::new(),
            block: Vec::new(),
            pos: 0,
        }
    }

    /// Decodes the gzip member at the start of `input` into `block`, growing its capacity as
    /// needed (room is never zeroed: libdeflate writes the bytes it reports). Returns the
    /// compressed bytes the member took and the decompressed bytes it gave.
    fn decode(&mut self, input: &[u8]) -> Result<(usize, usize), WholeFail> {
        self.block.reserve(WHOLE_FIRST_OUT);
        loop {
            match self.inflater.gzip_member(input, &mut self.block) {
                Ok(done) => return Ok(done),
                Err(libdeflate::Fail::Bad) => return Err(WholeFail::Bad),
                Err(libdeflate::Fail::NoRoom) if self.block.capacity() >= WHOLE_MAX_OUT => {
                    return Err(WholeFail::TooLarge);
                }
                Err(libdeflate::Fail::NoRoom) => {
                    let room = (self.block.capacity() * 2).min(WHOLE_MAX_OUT);
                    self.block.reserve_exact(room);
                }
            }
        }
    }

    /// The member's bytes were all handed out: gives back the room a large member took.
    fn done_with_member(&mut self) {
        if self.block.capacity() > WHOLE_KEEP_OUT {
            self.block = Vec::with_capacity(WHOLE_KEEP_OUT);
        }
        self.block.clear();
        self.pos = 0;
    }
}

/// The one call puffery makes into libdeflate that its safe binding (`libdeflater`) lacks:
/// `libdeflate_gzip_decompress_ex`, which says how many input bytes a member took, so the next
/// member starts right after it.
#[allow(unsafe_code)]
mod libdeflate {
    use std::ptr::NonNull;

    use libdeflate_sys::{
        libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
        libdeflate_gzip_decompress_ex, libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE,
        libdeflate_result_LIBDEFLATE_SUCCESS,
    };

    pub(super) enum Fail {
        /// Not a valid gzip member (or one cut short by the end of the input given).
        Bad,
        /// The output does not fit in the room given.
        NoRoom,
    }

    /// A libdeflate decompressor (about 32 KiB of tables).
    pub(super) struct Inflater(NonNull<libdeflate_decompressor>);

    // SAFETY: a decompressor is plain memory owned by this value, used by one thread at a time
    // (`&mut self`).
    unsafe impl Send for Inflater {}

    impl Inflater {
        pub(super) fn new() -> Inflater {
            // SAFETY: no preconditions; a null result (out of memory) is checked.
            let p = unsafe { libdeflate_alloc_decompressor() };
            Inflater(NonNull::new(p).expect("out of memory allocating a libdeflate decompressor"))
        }

        /// Decodes the gzip member at the start of `input` (more bytes may follow it) into
        /// `out`'s capacity, checking its CRC32 and ISIZE; `out` then holds the member's
        /// bytes (none after an error). Returns (input bytes taken, output bytes).
        pub(super) fn gzip_member(
            &mut self,
            input: &[u8],
            out: &mut Vec<u8>,
        ) -> Result<(usize, usize), Fail> {
            let mut used = 0usize;
            let mut produced = 0usize;
            out.clear();
            let room = out.capacity();
            // SAFETY: the pointers and lengths come from a live slice and a live vector's
            // allocation of `room` bytes, writable and not aliased (`&mut`); the decompressor
            // is owned by `self` (`&mut`), and the two results are written to locals.
            // libdeflate reads at most `input.len()` bytes and writes at most `room`.
            let r = unsafe {
                libdeflate_gzip_decompress_ex(
                    self.0.as_ptr(),
                    input.as_ptr().cast(),
                    input.len(),
                    out.as_mut_ptr().cast(),
                    room,
                    &mut used,
                    &mut produced,
                )
            };
            #[allow(non_upper_case_globals)]
            match r {
                libdeflate_result_LIBDEFLATE_SUCCESS if used <= input.len() && produced <= room => {
                    // SAFETY: on success libdeflate wrote the member's `produced` bytes at the
                    // start of the allocation, within its capacity.
                    unsafe { out.set_len(produced) };
                    Ok((used, produced))
                }
                libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE => Err(Fail::NoRoom),
                _ => Err(Fail::Bad),
            }
        }
    }

    impl Drop for Inflater {
        fn drop(&mut self) {
            // SAFETY: the pointer came from `libdeflate_alloc_decompressor` and is freed once.
            unsafe { libdeflate_free_decompressor(self.0.as_ptr()) }
        }
    }
}
