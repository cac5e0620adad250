//! A growable read buffer that knows its stream offset.
//!
//! The readers need more than `std::io::BufReader` offers: "give me at least N bytes", a buffer
//! that grows for one long line and keeps what it has, the byte offset of the next unread byte,
//! direct reads into a caller's `Vec` for large blocks, and putting bytes back after a WARC
//! record whose `Content-Length` ran into the next record.

use std::io::{self, BufRead, Read};

/// Default capacity: large reads keep the decoders on their fast paths.
pub(crate) const BUF_SIZE: usize = 256 * 1024;

/// Most consumed bytes kept for `rewind_to` after a pin.
const MAX_PIN: usize = 1024 * 1024;

pub(crate) struct InBuf<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Stream offset of `buf[pos]`.
    offset: u64,
    eof: bool,
    /// After an I/O error, report end of input (a raw file that fails keeps failing).
    sticky_errors: bool,
    /// Stream offset to keep buffered after it is consumed, for `rewind_to`.
    pin: Option<u64>,
    /// Stream offset where the last read error happened: the bytes before it came before the
    /// damage, the bytes after it come from after (the next gzip member).
    error_at: Option<u64>,
    /// Most bytes one fill reads ([`InBuf::limit_fills`]).
    fill_max: usize,
}

impl<R: Read> InBuf<R> {
    pub(crate) fn new(inner: R, capacity: usize, sticky_errors: bool) -> InBuf<R> {
        InBuf {
            inner,
            buf: vec![0; capacity.max(64)],
            pos: 0,
            end: 0,
            offset: 0,
            eof: false,
            sticky_errors,
            pin: None,
            error_at: None,
            fill_max: usize::MAX,
        }
    }

    /// Fills read at most `n` bytes each. A WARC reader buffers a record's headers, and the
    /// rest of a gzip member decoded whole goes from the decoder to the record's body in one
    /// copy ([`InBuf::read_to_vec`]), not through the buffer.
    pub(crate) fn limit_fills(&mut self, n: usize) {
        self.fill_max = n.max(1);
    }

    /// The buffered, unread bytes.
    #[inline]
    pub(crate) fn available(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Marks `n` buffered bytes as read.
    #[inline]
    pub(crate) fn consume_n(&mut self, n: usize) {
        debug_assert!(n <= self.end - self.pos);
        self.pos += n;
        self.offset += n as u64;
    }

    /// Stream offset of the next unread byte.
    #[inline]
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Asks to keep the bytes from stream offset `at` on buffered once consumed (up to
    /// `MAX_PIN` of them), so that `rewind_to` can return there.
    pub(crate) fn set_pin(&mut self, at: Option<u64>) {
        self.pin = at;
    }

    /// Moves back to stream offset `at` if its bytes are still buffered.
    pub(crate) fn rewind_to(&mut self, at: u64) -> bool {
        if at > self.offset {
            return false;
        }
        let back = self.offset - at;
        if back > self.pos as u64 {
            return false;
        }
        self.pos -= back as usize;
        self.offset = at;
        true
    }

    /// Where the last read error happened (see `error_at`).
    pub(crate) fn error_at(&self) -> Option<u64> {
        self.error_at
    }

    /// Where the last read error happened (see `error_at`), once.
    pub(crate) fn take_error_at(&mut self) -> Option<u64> {
        self.error_at.take()
    }

    pub(crate) fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// One read from the inner reader, retrying on `Interrupted`.
    fn inner_read(
        &mut self,
        range: std::ops::Range<usize>,
        external: Option<&mut [u8]>,
    ) -> io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        let dst: &mut [u8] = match external {
            Some(d) => d,
            None => &mut self.buf[range],
        };
        loop {
            match self.inner.read(dst) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(0);
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if self.sticky_errors {
                        self.eof = true;
                    }
                    self.error_at = Some(self.offset + (self.end - self.pos) as u64);
                    return Err(e);
                }
            }
        }
    }

    /// Reads more bytes after the buffered ones, compacting or growing the buffer as needed.
    /// Returns how many bytes arrived (0 at end of input).
    pub(crate) fn fill_more(&mut self) -> io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        // Keep consumed bytes from the pin on, so `rewind_to` can go back to them.
        let keep_from = match self.pin {
            Some(p) if p <= self.offset && self.offset - p <= MAX_PIN as u64 => {
                let back = (self.offset - p) as usize;
                if back <= self.pos {
                    self.pos - back
                } else {
                    self.pos
                }
            }
            _ => {
                self.pin = None;
                self.pos
            }
        };
        if self.pos == self.end && keep_from == self.pos {
            self.pos = 0;
            self.end = 0;
        }
        if self.end == self.buf.len() {
            if keep_from > 0 {
                self.buf.copy_within(keep_from..self.end, 0);
                self.end -= keep_from;
                self.pos -= keep_from;
            } else {
                let new_len = self.buf.len() * 2;
                self.buf.resize(new_len, 0);
            }
        }
        let to = self.buf.len().min(self.end.saturating_add(self.fill_max));
        let n = self.inner_read(self.end..to, None)?;
        self.end += n;
        Ok(n)
    }

    /// Buffers at least `n` bytes if the input has them. Returns whether it does.
    pub(crate) fn fill_at_least(&mut self, n: usize) -> io::Result<bool> {
        while self.end - self.pos < n {
            if self.fill_more()? == 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// A reader that may hold bytes it has decoded already (a gzip member decoded whole), which
/// [`InBuf::read_to_vec`] copies out itself: once, where a read copied them into the buffer (or
/// into a zeroed stretch of the caller's vector) first.
pub(crate) trait Decoded: Read {
    /// The decoded bytes waiting, next in the stream.
    fn decoded(&self) -> &[u8] {
        &[]
    }

    /// Hands out the first `n` of [`Decoded::decoded`].
    fn take_decoded(&mut self, _n: usize) {}

    /// Decodes what comes next into [`Decoded::decoded`] where the next read would (a gzip
    /// member at its start), so that [`InBuf::read_to_vec`] sees its length before it makes
    /// room for it.
    fn decode_ahead(&mut self) {}
}

impl Decoded for &[u8] {}

impl<R: Decoded> InBuf<R> {
    /// Appends up to `n` bytes to `out`; fewer only at end of input.
    pub(crate) fn read_to_vec(&mut self, out: &mut Vec<u8>, n: u64) -> io::Result<u64> {
        let mut done = 0u64;
        let take = (self.end - self.pos).min(usize::try_from(n).unwrap_or(usize::MAX));
        out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
        self.consume_n(take);
        done += take as u64;
        while done < n {
            let want = usize::try_from(n - done).unwrap_or(usize::MAX);
            if self.pos == self.end {
                self.inner.decode_ahead();
            }
            let ready = self.inner.decoded();
            if !ready.is_empty() && self.pos == self.end {
                // Decoded bytes come next (the buffer is empty): straight into `out`.
                let take = ready.len().min(want);
                out.extend_from_slice(&ready[..take]);
                self.inner.take_decoded(take);
                self.offset += take as u64;
                done += take as u64;
                continue;
            }
            if want < self.buf.len() / 2 || out.capacity() - out.len() < DIRECT_SPARE {
                // Small remainder: go through the buffer so the reads stay large. And a vector
                // without room its caller reserved (a WARC body knows its length) does not
                // get room zeroed ahead of a read: a whole file grows it by the bytes read,
                // and the read that finds the end does not grow it at all. Before session 17
                // a whole small file got 4 MiB zeroed, twice: 48 % of the instructions of a
                // scan of a directory of 296 gzipped pages.
                if self.fill_more()? == 0 {
                    break;
                }
                let take = (self.end - self.pos).min(want);
                out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
                self.consume_n(take);
                done += take as u64;
            } else {
                // Large remainder: read straight into the caller's vector (the buffer is
                // empty here; its history no longer matches the offset).
                self.pos = 0;
                self.end = 0;
                let old = out.len();
                let chunk = (out.capacity() - old).min(DIRECT_MAX).min(want);
                out.resize(old + chunk, 0);
                let r = self.inner_read(0..0, Some(&mut out[old..]));
                match r {
                    Ok(got) => {
                        out.truncate(old + got);
                        self.offset += got as u64;
                        done += got as u64;
                        if got == 0 {
                            break;
                        }
                    }
                    Err(e) => {
                        out.truncate(old);
                        return Err(e);
                    }
                }
            }
        }
        Ok(done)
    }
}

/// Most bytes one direct read into a caller's vector takes ([`InBuf::read_to_vec`]).
const DIRECT_MAX: usize = 4 * 1024 * 1024;
/// Least capacity left in a caller's vector for a direct read into it.
const DIRECT_SPARE: usize = 4096;

impl<R: Read> InBuf<R> {
    /// Discards up to `n` bytes without keeping them; fewer only at end of input.
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut done = 0u64;
        loop {
            let take = (self.end - self.pos).min(usize::try_from(n - done).unwrap_or(usize::MAX));
            self.consume_n(take);
            done += take as u64;
            if done == n || self.fill_more()? == 0 {
                return Ok(done);
            }
        }
    }

    /// After a long line made the buffer grow, gives the memory back once the buffer is
    /// nearly drained.
    pub(crate) fn shrink(&mut self) {
        let unread = self.end - self.pos;
        if self.buf.len() > 4 * BUF_SIZE && unread <= BUF_SIZE / 2 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.pos = 0;
            self.end = unread;
            self.buf.truncate(BUF_SIZE);
            self.buf.shrink_to_fit();
        }
    }

    /// Puts bytes back in front of the unread ones; the offset moves back by their length.
    pub(crate) fn unread(&mut self, bytes: &[u8]) {
        if bytes.len() <= self.pos {
            let start = self.pos - bytes.len();
            self.buf[start..self.pos].copy_from_slice(bytes);
            self.pos = start;
        } else {
            let mut v = Vec::with_capacity((bytes.len() + self.end - self.pos).max(self.buf.len()));
            v.extend_from_slice(bytes);
            v.extend_from_slice(&self.buf[self.pos..self.end]);
            self.end = v.len();
            self.pos = 0;
            let cap = v.capacity();
            v.resize(cap, 0);
            self.buf = v;
        }
        self.offset -= bytes.len() as u64;
    }
}

impl<R: Read> Read for InBuf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.end && out.len() >= self.buf.len() {
            self.pos = 0;
            self.end = 0;
            let n = self.inner_read(0..0, Some(out))?;
            self.offset += n as u64;
            return Ok(n);
        }
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(out.len());
            out[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume_n(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for InBuf<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.end {
            self.fill_more()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    fn consume(&mut self, n: usize) {
        self.consume_n(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte at a time, like a slow pipe.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || out.is_empty() {
                return Ok(0);
            }
            out[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    #[test]
    fn fill_at_least_accumulates_and_grows() {
        let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        let mut b = InBuf::new(Trickle(&data), 64, false);
        assert!(b.fill_at_least(500).unwrap());
        assert_eq!(&b.available()[..500], &data[..500]);
        b.consume_n(10);
        assert_eq!(b.offset(), 10);
        assert!(!b.fill_at_least(2000).unwrap());
        assert_eq!(b.available(), &data[10..]);
    }

    #[test]
    fn read_to_vec_skip_and_unread() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut b = InBuf::new(&data[..], 1024, false);
        let mut v = Vec::new();
        assert_eq!(b.read_to_vec(&mut v, 50_000).unwrap(), 50_000);
        assert_eq!(&v[..], &data[..50_000]);
        assert_eq!(b.skip(10).unwrap(), 10);
        assert_eq!(b.offset(), 50_010);
        b.unread(&v[49_990..]);
        assert_eq!(b.offset(), 50_000);
        let mut w = Vec::new();
        assert_eq!(b.read_to_vec(&mut w, 1_000_000).unwrap(), 50_000);
        assert_eq!(&w[..10], &data[49_990..50_000]);
        assert_eq!(&w[10..], &data[50_010..]);
        assert_eq!(b.skip(5).unwrap(), 0);
    }

    #[test]
    fn shrink_after_growth_keeps_unread_bytes() {
        let data: Vec<u8> = (0..(3 * BUF_SIZE as u32))
            .map(|i| (i % 253) as u8)
            .collect();
        let mut src = data.clone();
        src.extend(std::iter::repeat_n(7u8, 10 * BUF_SIZE));
        let mut b = InBuf::new(&src[..], BUF_SIZE, false);
        assert!(b.fill_at_least(9 * BUF_SIZE).unwrap());
        b.consume_n(b.available().len() - 100);
        let before = b.available().to_vec();
        b.shrink();
        assert_eq!(b.available(), &before[..]);
        assert_eq!(b.buf.len(), BUF_SIZE);
        let mut rest = Vec::new();
        b.read_to_vec(&mut rest, u64::MAX).unwrap();
        assert_eq!(
            rest.len() as u64 + b.offset() - rest.len() as u64,
            src.len() as u64
        );
        assert_eq!(&rest[..100], &before[..]);
    }

    /// Gzip members decoded whole go to the caller's vector straight from the decoder once the
    /// buffer is empty (small fills, as a WARC reader makes): the bytes and offsets are those of
    /// the stream, across members of every size.
    #[test]
    fn decoded_members_read_straight_into_the_vector() {
        use std::io::Write;
        let data: Vec<u8> = (0..400_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut gz = Vec::new();
        for part in [&data[..10_000], &data[10_000..399_995], &data[399_995..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part).unwrap();
            gz.extend(e.finish().unwrap());
        }
        let raw = InBuf::new(
            Box::new(io::Cursor::new(gz)) as Box<dyn Read + Send>,
            BUF_SIZE,
            true,
        );
        let (dec, _) = super::super::compress::Decoder::new(raw, false).unwrap();
        let mut b = InBuf::new(dec, BUF_SIZE, false);
        b.limit_fills(100);
        assert!(b.fill_at_least(50).unwrap());
        assert_eq!(b.available().len(), 100, "a fill takes at most 100 bytes");
        b.consume_n(50);
        let mut v = Vec::new();
        assert_eq!(b.read_to_vec(&mut v, 20_000).unwrap(), 20_000);
        assert_eq!(b.offset(), 20_050);
        assert_eq!(b.read_to_vec(&mut v, u64::MAX).unwrap(), 379_950);
        assert_eq!(v, &data[50..]);
        assert_eq!(b.offset(), data.len() as u64);
    }

    /// A small input read whole into an empty vector gets room for its bytes only, plain or a
    /// gzip member decoded whole. Before session 17 each got 4 MiB, zeroed, and then 4 MiB more
    /// for the read that found the end.
    #[test]
    fn small_whole_inputs_get_small_room() {
        use std::io::Write;
        let data: Vec<u8> = (0..3_000u32).map(|i| (i % 251) as u8).collect();
        let mut b = InBuf::new(&data[..], BUF_SIZE, false);
        let mut v = Vec::new();
        assert_eq!(b.read_to_vec(&mut v, u64::MAX).unwrap(), 3_000);
        assert_eq!(v, data);
        assert_eq!(v.capacity(), 3_000);

        let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&big).unwrap();
        let raw = InBuf::new(
            Box::new(io::Cursor::new(e.finish().unwrap())) as Box<dyn Read + Send>,
            BUF_SIZE,
            true,
        );
        let (dec, _) = super::super::compress::Decoder::new(raw, false).unwrap();
        let mut b = InBuf::new(dec, BUF_SIZE, false);
        let mut v = Vec::new();
        assert_eq!(b.read_to_vec(&mut v, u64::MAX).unwrap(), 300_000);
        assert_eq!(v, big);
        assert_eq!(v.capacity(), 300_000);
        assert_eq!(b.offset(), 300_000);
    }
}
