//! The capture time stamp painted into a frame's luma plane, and reading it back (Rust and JavaScript).
//!
//! A viewer that decodes a frame can tell when the camera captured it, so a
//! benchmark can measure glass-to-glass latency. The stamp is built to survive
//! H.264 compression: big flat blocks, read at their centres.
//!
//! # Layout
//!
//! - Block size `B` = 16 px when the frame is at least [`STRIP_BLOCKS`] × 16
//!   = 928 px wide, else 8 px (so a reader needs only the frame's width).
//!   Frames narrower than 58 × 8 = 464 px or lower than `B` get no stamp.
//! - One row of 58 square blocks `B`×`B` at the top-left: block `i` covers
//!   x in `i*B .. (i+1)*B`, y in `0 .. B`.
//! - Block 0 is white, block 1 black: the markers.
//! - Blocks 2..50: the 48 low bits of the wall-clock time in milliseconds
//!   since the Unix epoch, most significant bit first.
//! - Blocks 50..58: a checksum, the sum of those 6 bytes modulo 256, most
//!   significant bit first.
//! - A 1 is white (luma 235), a 0 black (luma 16): video range.
//!
//! The camera also makes the chroma under the strip neutral (128), so a
//! reader that only has RGB (a canvas) can take the average of R, G and B as
//! the luma.
//!
//! # Reading
//!
//! Sample each block's centre pixel, `(i*B + B/2, B/2)`; it is a 1 when its
//! luma is 128 or more. The stamp is valid when block 0 reads 1, block 1
//! reads 0 and the checksum matches. [`READ_JS`] does exactly this on a
//! canvas's `ImageData` (RGBA, 4 bytes a pixel, rows of `width` pixels).

/// Blocks in the strip: 2 markers, 48 time bits, 8 checksum bits.
pub const STRIP_BLOCKS: usize = 58;
/// Luma of a white block (a 1, and the first marker).
pub const WHITE: u8 = 235;
/// Luma of a black block (a 0, and the second marker).
pub const BLACK: u8 = 16;
/// Luma at or above which a block reads as white.
pub const THRESHOLD: u8 = 128;

const TIME_BITS: usize = 48;
const TIME_MASK: u64 = (1 << TIME_BITS) - 1;

/// The block size for a frame `width` pixels wide: 16 when the whole strip
/// fits at 16 px (928 px), else 8.
pub fn block_size(width: usize) -> usize {
    if width >= STRIP_BLOCKS * 16 {
        16
    } else {
        8
    }
}

/// The strip's width and height in pixels for a frame `width` pixels wide.
pub fn strip_size(width: usize) -> (usize, usize) {
    let b = block_size(width);
    (STRIP_BLOCKS * b, b)
}

/// Whether a frame of this size can carry the stamp.
pub fn fits(width: usize, height: usize) -> bool {
    let (w, h) = strip_size(width);
    width >= w && height >= h
}

/// The 58 block values (true = white) for the time `ms` (its 48 low bits).
fn blocks(ms: u64) -> [bool; STRIP_BLOCKS] {
    let ms = ms & TIME_MASK;
    let mut out = [false; STRIP_BLOCKS];
    out[0] = true;
    out[1] = false;
    for i in 0..TIME_BITS {
        out[2 + i] = (ms >> (TIME_BITS - 1 - i)) & 1 == 1;
    }
    let sum = checksum(ms);
    for i in 0..8 {
        out[2 + TIME_BITS + i] = (sum >> (7 - i)) & 1 == 1;
    }
    out
}

/// The sum of the 6 bytes of a 48-bit time, modulo 256.
fn checksum(ms: u64) -> u8 {
    (0..6).fold(0u8, |acc, i| acc.wrapping_add((ms >> (8 * i)) as u8))
}

/// Paints the stamp for `ms` into the Y plane of a frame (`stride` bytes a
/// row, `width`×`height` visible pixels). A frame too small for it
/// ([`fits`]) is left as it is.
pub fn paint(y_plane: &mut [u8], stride: usize, width: usize, height: usize, ms: u64) {
    if !fits(width, height) {
        return;
    }
    let b = block_size(width);
    let values = blocks(ms);
    for row in 0..b {
        let Some(line) = y_plane.get_mut(row * stride..row * stride + STRIP_BLOCKS * b) else {
            return;
        };
        for (i, &white) in values.iter().enumerate() {
            line[i * b..(i + 1) * b].fill(if white { WHITE } else { BLACK });
        }
    }
}

/// Sets a chroma plane (U or V of I420: half the width and height of the
/// frame, `stride` bytes a row) to neutral (128) under the strip, so the
/// strip is grey-scale whatever the picture around it.
pub fn neutral_chroma(plane: &mut [u8], stride: usize, width: usize, height: usize) {
    if !fits(width, height) {
        return;
    }
    let (w, h) = strip_size(width);
    let (w, h) = (w.div_ceil(2), h.div_ceil(2));
    for row in 0..h {
        if let Some(line) = plane.get_mut(row * stride..row * stride + w) {
            line.fill(128);
        }
    }
}

/// Reads the stamp of a frame `width` pixels wide, `luma(x, y)` giving a
/// pixel's luma: the time in milliseconds since the Unix epoch (48 bits), or
/// `None` when the markers or the checksum do not match.
pub fn read(luma: impl Fn(usize, usize) -> u8, width: usize) -> Option<u64> {
    let b = block_size(width);
    if width < STRIP_BLOCKS * b {
        return None;
    }
    let bit = |i: usize| luma(i * b + b / 2, b / 2) >= THRESHOLD;
    if !bit(0) || bit(1) {
        return None;
    }
    let ms = (0..TIME_BITS).fold(0u64, |acc, i| (acc << 1) | u64::from(bit(2 + i)));
    let sum = (0..8).fold(0u8, |acc, i| (acc << 1) | u8::from(bit(2 + TIME_BITS + i)));
    (sum == checksum(ms)).then_some(ms)
}

/// The same reader in JavaScript, for a page that draws a video frame on a
/// canvas: `yytStampRead(ctx.getImageData(0, 0, w, h))` gives the capture
/// time in milliseconds since the Unix epoch, or `null`. The luma is taken
/// as the average of R, G and B (the strip has neutral chroma).
pub const READ_JS: &str = r#"function yytStampRead(imageData) {
  const w = imageData.width, h = imageData.height, d = imageData.data;
  const b = w >= 928 ? 16 : 8;
  if (w < 58 * b || h < b) return null;
  const bit = (i) => {
    const o = ((b >> 1) * w + i * b + (b >> 1)) * 4;
    return (d[o] + d[o + 1] + d[o + 2]) / 3 >= 128 ? 1 : 0;
  };
  if (bit(0) !== 1 || bit(1) !== 0) return null;
  let ms = 0, sum = 0, byte = 0;
  for (let i = 0; i < 48; i++) {
    const v = bit(2 + i);
    ms = ms * 2 + v;
    byte = byte * 2 + v;
    if (i % 8 === 7) { sum = (sum + byte) % 256; byte = 0; }
  }
  let want = 0;
  for (let i = 0; i < 8; i++) want = want * 2 + bit(50 + i);
  return want === sum ? ms : null;
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain frame: a grey Y plane with some padding per row.
    fn frame(width: usize, height: usize, stride: usize) -> Vec<u8> {
        assert!(stride >= width);
        vec![90; stride * height]
    }

    fn read_plane(y: &[u8], stride: usize, width: usize) -> Option<u64> {
        read(|x, row| y[row * stride + x], width)
    }

    /// A small deterministic generator (no dependency): xorshift.
    struct Noise(u64);
    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    const NOW: u64 = 1_796_671_805_123; // 2026-12-07, in ms

    #[test]
    fn block_size_depends_on_width_only() {
        assert_eq!(block_size(1280), 16);
        assert_eq!(block_size(928), 16);
        assert_eq!(block_size(927), 8);
        assert_eq!(block_size(640), 8);
        assert_eq!(strip_size(1920), (928, 16));
        assert_eq!(strip_size(640), (464, 8));
        assert!(fits(464, 8));
        assert!(!fits(463, 360));
        assert!(!fits(1280, 15));
    }

    #[test]
    fn round_trip_at_both_block_sizes() {
        for (w, h, stride) in [(1280, 720, 1280), (640, 360, 640), (930, 20, 960)] {
            let mut y = frame(w, h, stride);
            paint(&mut y, stride, w, h, NOW);
            assert_eq!(read_plane(&y, stride, w), Some(NOW), "{w}x{h}");
        }
    }

    #[test]
    fn layout_is_as_documented() {
        let (w, h) = (1280, 720);
        let mut y = frame(w, h, w);
        paint(&mut y, w, w, h, 0b101);
        // Markers.
        assert!(y[..16].iter().all(|&p| p == WHITE));
        assert!(y[16..32].iter().all(|&p| p == BLACK));
        // The last time bit (block 49) is 1, the one before 0, the one before that 1.
        assert_eq!(y[49 * 16 + 8], WHITE);
        assert_eq!(y[48 * 16 + 8], BLACK);
        assert_eq!(y[47 * 16 + 8], WHITE);
        // Checksum 5 = 0b00000101 in blocks 50..58.
        let sum: Vec<u8> = (50..58).map(|i| y[i * 16 + 8]).collect();
        assert_eq!(
            sum,
            [BLACK, BLACK, BLACK, BLACK, BLACK, WHITE, BLACK, WHITE]
        );
        // Every row of the strip, nothing below it or right of it.
        assert_eq!(y[15 * w + 8], WHITE);
        assert_eq!(y[16 * w + 8], 90);
        assert_eq!(y[928], 90);
    }

    #[test]
    fn survives_noise() {
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        for k in 0..200u64 {
            let ms = NOW + k * 40 + (noise.next() % 1000);
            let (w, h) = if k % 2 == 0 { (1280, 720) } else { (640, 360) };
            let mut y = frame(w, h, w);
            paint(&mut y, w, w, h, ms);
            for p in y.iter_mut() {
                let delta = (noise.next() % 161) as i32 - 80; // ±80 of luma
                *p = (i32::from(*p) + delta).clamp(0, 255) as u8;
            }
            assert_eq!(read_plane(&y, w, w), Some(ms));
        }
    }

    #[test]
    fn refuses_a_frame_without_stamp_or_with_a_bad_checksum() {
        let (w, h) = (1280, 720);
        let y = frame(w, h, w);
        assert_eq!(read_plane(&y, w, w), None);
        let mut y = frame(w, h, w);
        paint(&mut y, w, w, h, NOW);
        // Flip one time bit (block 30) in the sampled row.
        let p = 8 * w + 30 * 16 + 8;
        y[p] = if y[p] == WHITE { BLACK } else { WHITE };
        assert_eq!(read_plane(&y, w, w), None);
        // Too narrow to carry it at all.
        assert_eq!(read(|_, _| 0, 400), None);
    }

    #[test]
    fn too_small_a_frame_is_left_alone() {
        let mut y = frame(400, 300, 400);
        paint(&mut y, 400, 400, 300, NOW);
        assert!(y.iter().all(|&p| p == 90));
    }

    #[test]
    fn only_the_low_48_bits_are_kept() {
        let (w, h) = (1280, 720);
        let mut y = frame(w, h, w);
        paint(&mut y, w, w, h, (1 << 50) | NOW);
        assert_eq!(read_plane(&y, w, w), Some(NOW));
    }

    #[test]
    fn chroma_is_neutral_under_the_strip_only() {
        let (w, h) = (640, 360);
        let (cw, ch) = (w / 2, h / 2);
        let mut u = vec![200; cw * ch];
        neutral_chroma(&mut u, cw, w, h);
        assert_eq!(u[0], 128);
        assert_eq!(u[3 * cw + 231], 128);
        assert_eq!(u[4 * cw], 200);
        assert_eq!(u[232], 200);
    }
}
