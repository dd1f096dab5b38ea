// Reads a QR code (ISO/IEC 18004, Model 2, versions 1–40) from the pixels of a photo or a camera frame, in the browser,
// for the offline verifier when the browser has no BarcodeDetector. Nothing leaves the page.
//
// The steps: grey levels → black and white by a threshold local to each 8×8 block (a photo is lit unevenly) → the three
// finder patterns (1:1:3:1:1 across and down) → the code's size from their distance → the alignment patterns, one by
// one, each refitting a perspective transform from module to image coordinates → the grid of modules, each read at its
// centre between pixels → format information (level and mask), version information from version 7 → the codewords in
// the standard's zigzag, unmasked → the blocks de-interleaved and corrected by Reed–Solomon → the segments (numeric,
// alphanumeric, byte, kanji, ECI).
//
// decodeQr({ data, width, height }) takes RGBA pixels (an ImageData) and answers the text, or null when it finds no code
// it can read. A code printed light on dark, or seen mirrored, is read too.

// --- Grey levels and the black-and-white image ---------------------------------------------------------------------

const BLOCK = 8;
const MIN_CONTRAST = 24;

function greyLevels({ data, width, height }) {
    const grey = new Uint8Array(width * height);
    for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
        grey[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
    }
    return grey;
}

/**
 * 1 for a dark pixel, 0 for a light one. Each 8×8 block gets its mean grey level; a pixel is dark when it is at most the
 * mean of the 5×5 blocks around its own. A block without contrast (paper, or the inside of a big dark module) takes half
 * its darkest level — it is light — unless its neighbours above and to the left say the area is darker than that.
 */
function binarize(grey, width, height) {
    const columns = Math.ceil(width / BLOCK);
    const rows = Math.ceil(height / BLOCK);
    const means = new Float32Array(columns * rows);
    for (let by = 0; by < rows; by++) {
        for (let bx = 0; bx < columns; bx++) {
            let sum = 0, count = 0, min = 255, max = 0;
            const yEnd = Math.min(height, (by + 1) * BLOCK);
            const xEnd = Math.min(width, (bx + 1) * BLOCK);
            for (let y = by * BLOCK; y < yEnd; y++) {
                for (let x = bx * BLOCK, i = y * width + x; x < xEnd; x++, i++) {
                    const g = grey[i];
                    sum += g;
                    count++;
                    if (g < min) min = g;
                    if (g > max) max = g;
                }
            }
            let mean = sum / count;
            if (max - min <= MIN_CONTRAST) {
                mean = min / 2;
                if (bx > 0 && by > 0) {
                    const around = (means[(by - 1) * columns + bx] + 2 * means[by * columns + bx - 1] + means[(by - 1) * columns + bx - 1]) / 4;
                    if (min < around) mean = around;
                }
            }
            means[by * columns + bx] = mean;
        }
    }
    const dark = new Uint8Array(width * height);
    const thresholds = new Float32Array(columns * rows);
    for (let by = 0; by < rows; by++) {
        const top = Math.min(Math.max(by, 2), Math.max(rows - 3, 0));
        for (let bx = 0; bx < columns; bx++) {
            const left = Math.min(Math.max(bx, 2), Math.max(columns - 3, 0));
            let sum = 0, count = 0;
            for (let y = Math.max(top - 2, 0); y <= Math.min(top + 2, rows - 1); y++) {
                for (let x = Math.max(left - 2, 0); x <= Math.min(left + 2, columns - 1); x++) {
                    sum += means[y * columns + x];
                    count++;
                }
            }
            const threshold = sum / count;
            thresholds[by * columns + bx] = threshold;
            const yEnd = Math.min(height, (by + 1) * BLOCK);
            const xEnd = Math.min(width, (bx + 1) * BLOCK);
            for (let y = by * BLOCK; y < yEnd; y++) {
                for (let x = bx * BLOCK, i = y * width + x; x < xEnd; x++, i++) {
                    dark[i] = grey[i] <= threshold ? 1 : 0;
                }
            }
        }
    }
    return { dark, thresholds, columns };
}

/**
 * The black-and-white image: `at` reads a pixel (everything outside is light); `sample` reads a point between pixels,
 * its grey level interpolated from the four nearest pixels and compared with its block's threshold — a module's
 * centre rarely falls on a pixel's, and a few pixels a module is where that matters.
 */
function bitImage(grey, { dark, thresholds, columns }, width, height, inverted) {
    const flip = inverted ? 1 : 0;
    return {
        width, height,
        at: (x, y) => x >= 0 && y >= 0 && x < width && y < height && (dark[y * width + x] ^ flip) === 1,
        sample(x, y) {
            if (x < 0 || y < 0 || x >= width || y >= height) return false;
            const fx = Math.min(Math.max(x - 0.5, 0), width - 1), fy = Math.min(Math.max(y - 0.5, 0), height - 1);
            const x0 = Math.floor(fx), y0 = Math.floor(fy);
            const x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
            const ax = fx - x0, ay = fy - y0;
            const level = (grey[y0 * width + x0] * (1 - ax) + grey[y0 * width + x1] * ax) * (1 - ay)
                + (grey[y1 * width + x0] * (1 - ax) + grey[y1 * width + x1] * ax) * ay;
            const threshold = thresholds[Math.floor(y / BLOCK) * columns + Math.floor(x / BLOCK)];
            return (level <= threshold) !== inverted;
        },
    };
}

// --- Finder patterns -----------------------------------------------------------------------------------------------

/**
 * Whether five run lengths (dark, light, dark, light, dark) are 1:1:3:1:1, each within `slack` of a module — the light
 * ones down to `slack` + 0.15 short: a blurred picture thresholded loses light to dark around a dark ring.
 */
function finderRatio(runs, slackModules = 0.5) {
    const total = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
    if (total < 7) return false;
    const module = total / 7;
    const slack = module * slackModules;
    const light = (run) => run > module - slack - 0.15 * module && run < module + slack;
    return Math.abs(runs[0] - module) < slack && light(runs[1])
        && Math.abs(runs[2] - 3 * module) < 3 * slack
        && light(runs[3]) && Math.abs(runs[4] - module) < slack;
}

/**
 * The five runs through (x, y) along a direction (dx, dy): the dark run holding the point, the light and dark ones on
 * each side. Answers { runs, from, to } — where the middle run starts and ends along the line — or null.
 */
function runsThrough(image, x, y, dx, dy, limit) {
    if (!image.at(x, y)) return null;
    const back = [0, 0, 0];
    const ahead = [0, 0, 0];
    let i = 0;
    while (image.at(x - dx * (i + 1), y - dy * (i + 1)) && back[0] < limit) { back[0]++; i++; }
    const from = -i;
    for (let run = 1; run < 3; run++) {
        const wantDark = run === 2;
        while (i < 4 * limit && image.at(x - dx * (i + 1), y - dy * (i + 1)) === wantDark && back[run] < limit) { back[run]++; i++; }
        if (back[run] === 0) return null;
    }
    i = 0;
    while (image.at(x + dx * (i + 1), y + dy * (i + 1)) && ahead[0] < limit) { ahead[0]++; i++; }
    const to = i;
    for (let run = 1; run < 3; run++) {
        const wantDark = run === 2;
        while (i < 4 * limit && image.at(x + dx * (i + 1), y + dy * (i + 1)) === wantDark && ahead[run] < limit) { ahead[run]++; i++; }
        if (ahead[run] === 0) return null;
    }
    return { runs: [back[2], back[1], back[0] + ahead[0] + 1, ahead[1], ahead[2]], from, to };
}

function total(runs) {
    return runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
}

/** Candidate centres of finder patterns: found in a row, confirmed down their column and across again. */
function findFinderPatterns(image) {
    const { width, height } = image;
    const found = [];
    const runs = new Int32Array(width + 1);
    const starts = new Int32Array(width + 1);
    for (let y = 0; y < height; y++) {
        // Run lengths of the row, starting with a light run (possibly empty).
        let count = 0, dark = false, length = 0;
        for (let x = 0; x < width; x++) {
            const d = image.at(x, y);
            if (d === dark) { length++; continue; }
            runs[count] = length; starts[count] = x - length; count++;
            dark = d; length = 1;
        }
        runs[count] = length; starts[count] = width - length; count++;
        // Dark runs are at odd indices.
        for (let r = 1; r + 4 < count; r += 2) {
            const five = [runs[r], runs[r + 1], runs[r + 2], runs[r + 3], runs[r + 4]];
            if (!finderRatio(five)) continue;
            const centreX = starts[r + 2] + runs[r + 2] / 2;
            confirmFinder(image, centreX, y, total(five), found);
        }
    }
    return found;
}

function confirmFinder(image, centreX, y, across, found) {
    const limit = Math.ceil(across);
    const down = runsThrough(image, Math.floor(centreX), y, 0, 1, limit);
    if (!down || !finderRatio(down.runs) || 5 * Math.abs(total(down.runs) - across) >= 2 * across) return;
    const centreY = y + (down.from + down.to + 1) / 2;
    const again = runsThrough(image, Math.floor(centreX), Math.floor(centreY), 1, 0, limit);
    if (!again || !finderRatio(again.runs)) return;
    const x = Math.floor(centreX) + (again.from + again.to + 1) / 2;
    // The diagonal, against a corner of text or a checkerboard that passes both straight lines. Its steps are √2
    // pixels long, so a module of a few pixels is one step more or less: three quarters of a module of slack.
    const diagonal = runsThrough(image, Math.floor(x), Math.floor(centreY), 1, 1, limit);
    if (!diagonal || !finderRatio(diagonal.runs, 0.75)) return;
    const module = (total(again.runs) + total(down.runs)) / 14;
    for (const candidate of found) {
        if (Math.abs(candidate.x - x) <= candidate.module * 2 && Math.abs(candidate.y - centreY) <= candidate.module * 2
            && Math.abs(candidate.module - module) <= Math.max(1, candidate.module)) {
            const n = candidate.count;
            candidate.x = (candidate.x * n + x) / (n + 1);
            candidate.y = (candidate.y * n + centreY) / (n + 1);
            candidate.module = (candidate.module * n + module) / (n + 1);
            candidate.count = n + 1;
            return;
        }
    }
    found.push({ x, y: centreY, module, count: 1 });
}

function distance(a, b) {
    return Math.hypot(a.x - b.x, a.y - b.y);
}

/**
 * Triples of finder patterns that could be one code, best first: a corner pattern whose two sides are about equally
 * long and about at a right angle (a tilted paper bends both), at least 14 modules long (version 1), and three patterns
 * of about one module size. Each as { topLeft, topRight, bottomLeft }.
 */
function finderTriples(candidates) {
    const confirmed = candidates.filter((c) => c.count >= 2);
    const pool = (confirmed.length >= 3 ? confirmed : candidates).sort((a, b) => b.count - a.count).slice(0, 15);
    const triples = [];
    for (let i = 0; i < pool.length; i++) {
        for (let j = i + 1; j < pool.length; j++) {
            for (let k = j + 1; k < pool.length; k++) {
                const three = [pool[i], pool[j], pool[k]];
                const modules = three.map((p) => p.module);
                const spread = Math.max(...modules) / Math.min(...modules);
                if (spread > 2) continue;
                // The corner is the pattern opposite the longest side.
                const sides = [distance(three[1], three[2]), distance(three[0], three[2]), distance(three[0], three[1])];
                const corner = sides.indexOf(Math.max(...sides));
                const topLeft = three[corner];
                let [p, q] = three.filter((_, n) => n !== corner);
                const a = distance(topLeft, p), b = distance(topLeft, q);
                const cosine = ((p.x - topLeft.x) * (q.x - topLeft.x) + (p.y - topLeft.y) * (q.y - topLeft.y)) / (a * b);
                const module = (modules[0] + modules[1] + modules[2]) / 3;
                if (Math.abs(cosine) > 0.5 || Math.min(a, b) / module < 14 * 0.7) continue;
                const score = Math.abs(a - b) / Math.max(a, b) + Math.abs(cosine) + (spread - 1);
                // In image coordinates (y down) the top-right pattern is clockwise from the bottom-left one.
                if ((p.x - topLeft.x) * (q.y - topLeft.y) - (p.y - topLeft.y) * (q.x - topLeft.x) < 0) [p, q] = [q, p];
                triples.push({ topLeft, topRight: p, bottomLeft: q, score });
            }
        }
    }
    return triples.sort((x, y) => x.score - y.score);
}

// --- Alignment pattern ---------------------------------------------------------------------------------------------

/**
 * How many of the alignment pattern's 5×5 modules look as they should (dark centre, light ring, dark ring) around
 * (x, y), with one module a step of `across` and `down` (image vectors): the best of the given scales.
 */
function alignmentScore(image, x, y, across, down, scales) {
    let best = 0;
    for (const scale of scales) {
        let matches = 0;
        for (let j = -2; j <= 2; j++) {
            for (let i = -2; i <= 2; i++) {
                const ring = Math.max(Math.abs(i), Math.abs(j));
                if (image.sample(x + (i * across.x + j * down.x) * scale, y + (i * across.y + j * down.y) * scale) === (ring !== 1)) matches++;
            }
        }
        best = Math.max(best, matches);
    }
    return best;
}

/**
 * The alignment pattern near where it should be (x, y), up to `reach` modules away: the place whose 5×5 modules best
 * match the pattern (at most two modules off), the nearest of equals — first on a coarse grid, then every half pixel
 * around the best, where the centre of the equally good places is the pattern's centre.
 */
function findAlignment(image, x, y, across, down, reach, scales) {
    const side = Math.max(Math.hypot(across.x, across.y), Math.hypot(down.x, down.y));
    const half = reach * side;
    const coarse = Math.max(1, side / 2);
    let best = null;
    for (let dy = -half; dy <= half; dy += coarse) {
        for (let dx = -half; dx <= half; dx += coarse) {
            const score = alignmentScore(image, x + dx, y + dy, across, down, scales);
            const off = Math.hypot(dx, dy);
            if (!best || score > best.score || (score === best.score && off < best.off)) best = { x: x + dx, y: y + dy, score, off };
        }
    }
    if (!best || best.score < 23) return null;
    let top = 0, sumX = 0, sumY = 0, count = 0;
    for (let dy = -side; dy <= side; dy += 0.5) {
        for (let dx = -side; dx <= side; dx += 0.5) {
            const score = alignmentScore(image, best.x + dx, best.y + dy, across, down, scales);
            if (score < top) continue;
            if (score > top) { top = score; sumX = 0; sumY = 0; count = 0; }
            sumX += best.x + dx; sumY += best.y + dy; count++;
        }
    }
    return { x: sumX / count, y: sumY / count };
}

// --- Perspective ---------------------------------------------------------------------------------------------------

/**
 * The projective map from module to image coordinates that fits pairs { u, v, x, y } best (exactly for four in general
 * position; least squares for more). Both sides are first moved and scaled to about unit size, which keeps the normal
 * equations well conditioned.
 */
function perspective(pairs) {
    const mean = (f) => pairs.reduce((sum, p) => sum + f(p), 0) / pairs.length;
    const mu = mean((p) => p.u), mv = mean((p) => p.v), mx = mean((p) => p.x), my = mean((p) => p.y);
    const su = mean((p) => Math.hypot(p.u - mu, p.v - mv)) || 1;
    const sx = mean((p) => Math.hypot(p.x - mx, p.y - my)) || 1;
    // h11 u + h12 v + h13 − h31 u x − h32 v x = x, and the same for y: two equations per pair, eight unknowns.
    const normal = Array.from({ length: 8 }, () => new Float64Array(9));
    for (const p of pairs) {
        const u = (p.u - mu) / su, v = (p.v - mv) / su, x = (p.x - mx) / sx, y = (p.y - my) / sx;
        for (const [row, rhs] of [[[u, v, 1, 0, 0, 0, -u * x, -v * x], x], [[0, 0, 0, u, v, 1, -u * y, -v * y], y]]) {
            for (let i = 0; i < 8; i++) {
                for (let j = 0; j < 8; j++) normal[i][j] += row[i] * row[j];
                normal[i][8] += row[i] * rhs;
            }
        }
    }
    for (let col = 0; col < 8; col++) {
        let pivot = col;
        for (let row = col + 1; row < 8; row++) if (Math.abs(normal[row][col]) > Math.abs(normal[pivot][col])) pivot = row;
        if (Math.abs(normal[pivot][col]) < 1e-12) return null;
        [normal[col], normal[pivot]] = [normal[pivot], normal[col]];
        for (let row = 0; row < 8; row++) {
            if (row === col) continue;
            const f = normal[row][col] / normal[col][col];
            if (f !== 0) for (let k = col; k < 9; k++) normal[row][k] -= f * normal[col][k];
        }
    }
    const h = normal.map((row, i) => row[8] / row[i]);
    return (pu, pv) => {
        const u = (pu - mu) / su, v = (pv - mv) / su;
        const w = h[6] * u + h[7] * v + 1;
        return [mx + sx * (h[0] * u + h[1] * v + h[2]) / w, my + sx * (h[3] * u + h[4] * v + h[5]) / w];
    };
}

// --- Versions, blocks and function patterns ------------------------------------------------------------------------

// Error correction codewords per block and number of blocks, by level (L, M, Q, H) and version (index 1–40).
const EC_PER_BLOCK = [
    [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
    [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
const BLOCKS = [
    [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
    [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
    [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
    [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];
// The two format bits of each level, in the order of the tables above.
const LEVEL_BITS = [1, 0, 3, 2];

function dimensionOf(version) {
    return 17 + 4 * version;
}

/** Row/column of the alignment patterns' centres (the standard's Annex E), from their count and even spacing. */
function alignmentPositions(version) {
    if (version === 1) return [];
    const count = Math.floor(version / 7) + 2;
    const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
    const positions = [6];
    for (let i = 0, at = dimensionOf(version) - 7; i < count - 1; i++, at -= step) positions.splice(1, 0, at);
    return positions;
}

/** The modules that hold no data: finder, separator, timing, alignment patterns, format and version information. */
function functionModules(version) {
    const size = dimensionOf(version);
    const taken = new Uint8Array(size * size);
    const fill = (left, top, width, height) => {
        for (let y = top; y < top + height; y++) for (let x = left; x < left + width; x++) taken[y * size + x] = 1;
    };
    fill(0, 0, 9, 9);
    fill(size - 8, 0, 8, 9);
    fill(0, size - 8, 9, 8);
    fill(6, 0, 1, size);
    fill(0, 6, size, 1);
    const centres = alignmentPositions(version);
    for (const cy of centres) {
        for (const cx of centres) {
            const onFinder = (cx === 6 && cy === 6) || (cx === 6 && cy === size - 7) || (cx === size - 7 && cy === 6);
            if (!onFinder) fill(cx - 2, cy - 2, 5, 5);
        }
    }
    if (version >= 7) {
        fill(size - 11, 0, 3, 6);
        fill(0, size - 11, 6, 3);
    }
    return taken;
}

/** The blocks of a version and level: [{ data, ec }] with each block's numbers of data and EC codewords. */
function blockLayout(version, level) {
    const size = dimensionOf(version);
    const centres = alignmentPositions(version).length;
    let modules = size * size - 3 * 64 - 2 * (size - 16) - 31;
    if (centres > 0) modules -= 25 * (centres * centres - 3) - 10 * (centres - 2);
    if (version >= 7) modules -= 36;
    const codewords = Math.floor(modules / 8);
    const count = BLOCKS[level][version];
    const ec = EC_PER_BLOCK[level][version];
    const shortLength = Math.floor(codewords / count);
    const longBlocks = codewords % count;
    const blocks = [];
    for (let i = 0; i < count; i++) blocks.push({ data: shortLength - ec + (i >= count - longBlocks ? 1 : 0), ec });
    return blocks;
}

// --- Format and version information --------------------------------------------------------------------------------

function bchRemainder(value, generator, generatorBits) {
    let r = value;
    for (let bit = 31 - Math.clz32(r); bit >= generatorBits - 1; bit = 31 - Math.clz32(r)) {
        r ^= generator << (bit - (generatorBits - 1));
    }
    return r;
}

function popcount(n) {
    let c = 0;
    for (; n; n &= n - 1) c++;
    return c;
}

const FORMATS = Array.from({ length: 32 }, (_, data) => ({ data, bits: ((data << 10) | bchRemainder(data << 10, 0x537, 11)) ^ 0x5412 }));
const VERSIONS = Array.from({ length: 34 }, (_, i) => ({ version: i + 7, bits: ((i + 7) << 12) | bchRemainder((i + 7) << 12, 0x1f25, 13) }));

/** The codeword nearest to any of the read copies, if within the three bit errors the codes correct. */
function nearest(table, copies) {
    let best = null, bestDistance = 4;
    for (const entry of table) {
        for (const copy of copies) {
            const d = popcount(entry.bits ^ copy);
            if (d < bestDistance) { best = entry; bestDistance = d; }
        }
    }
    return best;
}

function readFormat(grid) {
    const { size, at } = grid;
    let first = 0, second = 0;
    const push = (value, x, y) => (value << 1) | (at(x, y) ? 1 : 0);
    for (let x = 0; x <= 5; x++) first = push(first, x, 8);
    first = push(first, 7, 8);
    first = push(first, 8, 8);
    first = push(first, 8, 7);
    for (let y = 5; y >= 0; y--) first = push(first, 8, y);
    for (let y = size - 1; y >= size - 7; y--) second = push(second, 8, y);
    for (let x = size - 8; x < size; x++) second = push(second, x, 8);
    const format = nearest(FORMATS, [first, second]);
    if (!format) return null;
    return { level: LEVEL_BITS.indexOf(format.data >> 3), mask: format.data & 7 };
}

function readVersion(grid) {
    const { size, at } = grid;
    let topRight = 0, bottomLeft = 0;
    for (let i = 17; i >= 0; i--) {
        topRight = (topRight << 1) | (at(size - 11 + (i % 3), Math.floor(i / 3)) ? 1 : 0);
        bottomLeft = (bottomLeft << 1) | (at(Math.floor(i / 3), size - 11 + (i % 3)) ? 1 : 0);
    }
    return nearest(VERSIONS, [topRight, bottomLeft])?.version ?? null;
}

// --- Codewords -----------------------------------------------------------------------------------------------------

const MASKS = [
    (x, y) => (x + y) % 2 === 0,
    (x, y) => y % 2 === 0,
    (x, y) => x % 3 === 0,
    (x, y) => (x + y) % 3 === 0,
    (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
    (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
    (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
    (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** The data and EC codewords in the order they are placed: two columns at a time from the right, up and down in turn. */
function readCodewords(grid, version, mask) {
    const { size, at } = grid;
    const taken = functionModules(version);
    const unmask = MASKS[mask];
    const codewords = [];
    let current = 0, bits = 0;
    for (let right = size - 1; right >= 1; right -= 2) {
        if (right === 6) right = 5;
        const upward = ((right + 1) & 2) === 0;
        for (let step = 0; step < size; step++) {
            const y = upward ? size - 1 - step : step;
            for (let j = 0; j < 2; j++) {
                const x = right - j;
                if (taken[y * size + x]) continue;
                current = (current << 1) | ((at(x, y) !== unmask(x, y)) ? 1 : 0);
                if (++bits === 8) { codewords.push(current); current = 0; bits = 0; }
            }
        }
    }
    return codewords;
}

// --- Reed–Solomon over GF(256), x^8 + x^4 + x^3 + x^2 + 1 --------------------------------------------------------------

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, v = 1; i < 255; i++) {
    EXP[i] = v;
    LOG[v] = i;
    v <<= 1;
    if (v & 0x100) v ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];

function mul(a, b) {
    return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

function div(a, b) {
    return a === 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
}

/** Value at x of a polynomial given lowest degree first. */
function evaluate(poly, x) {
    let y = 0;
    for (let i = poly.length - 1; i >= 0; i--) y = mul(y, x) ^ poly[i];
    return y;
}

/**
 * Corrects a block in place (its first codeword the highest power), up to half its EC codewords in errors; answers
 * false when it cannot. Syndromes → Berlekamp–Massey → Chien search → Forney (the code's roots are α^0 … α^(n−1)).
 */
function correct(block, ecCount) {
    const n = block.length;
    const syndromes = new Array(ecCount);
    let clean = true;
    for (let j = 0; j < ecCount; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s = mul(s, EXP[j]) ^ block[k];
        syndromes[j] = s;
        if (s !== 0) clean = false;
    }
    if (clean) return true;

    let locator = [1], previous = [1], errors = 0, shift = 1, lastDiscrepancy = 1;
    for (let step = 0; step < ecCount; step++) {
        let discrepancy = syndromes[step];
        for (let i = 1; i <= errors; i++) discrepancy ^= mul(locator[i] ?? 0, syndromes[step - i]);
        if (discrepancy === 0) { shift++; continue; }
        const factor = div(discrepancy, lastDiscrepancy);
        const next = locator.slice();
        for (let i = 0; i < previous.length; i++) {
            while (next.length <= i + shift) next.push(0);
            next[i + shift] ^= mul(factor, previous[i]);
        }
        if (2 * errors <= step) {
            previous = locator;
            errors = step + 1 - errors;
            lastDiscrepancy = discrepancy;
            shift = 1;
        } else {
            shift++;
        }
        locator = next;
    }
    while (locator.length > 1 && locator[locator.length - 1] === 0) locator.pop();
    if (locator.length - 1 !== errors || 2 * errors > ecCount) return false;

    // Ω(x) = S(x) Λ(x) mod x^ecCount, and Λ'(x), for Forney.
    const omega = new Array(ecCount).fill(0);
    for (let i = 0; i < ecCount; i++) {
        for (let j = 0; j <= i && j < locator.length; j++) omega[i] ^= mul(locator[j], syndromes[i - j]);
    }
    const derivative = locator.map((c, i) => (i % 2 === 1 ? c : 0)).slice(1);
    let found = 0;
    for (let power = 0; power < n; power++) {
        const inverse = EXP[(255 - power) % 255];
        if (evaluate(locator, inverse) !== 0) continue;
        const denominator = evaluate(derivative, inverse);
        if (denominator === 0) return false;
        const magnitude = mul(EXP[power], div(evaluate(omega, inverse), denominator));
        block[n - 1 - power] ^= magnitude;
        found++;
    }
    if (found !== errors) return false;
    for (let j = 0; j < ecCount; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s = mul(s, EXP[j]) ^ block[k];
        if (s !== 0) return false;
    }
    return true;
}

/** The data codewords, de-interleaved from the blocks and corrected; null when a block cannot be corrected. */
function correctedData(codewords, version, level) {
    const layout = blockLayout(version, level);
    const blocks = layout.map((b) => ({ ...b, words: [] }));
    let at = 0;
    const longest = Math.max(...layout.map((b) => b.data));
    for (let i = 0; i < longest; i++) for (const block of blocks) if (i < block.data) block.words.push(codewords[at++]);
    for (let i = 0; i < layout[0].ec; i++) for (const block of blocks) block.words.push(codewords[at++]);
    const data = [];
    for (const block of blocks) {
        if (block.words.some((w) => w === undefined) || !correct(block.words, block.ec)) return null;
        data.push(...block.words.slice(0, block.data));
    }
    return data;
}

// --- Segments ------------------------------------------------------------------------------------------------------

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

function bitReader(bytes) {
    let position = 0;
    return {
        left: () => bytes.length * 8 - position,
        read(count) {
            if (count > bytes.length * 8 - position) throw new Error("qr: out of data");
            let value = 0;
            for (let i = 0; i < count; i++, position++) value = (value << 1) | ((bytes[position >> 3] >> (7 - (position & 7))) & 1);
            return value;
        },
    };
}

function countBits(mode, version) {
    const group = version <= 9 ? 0 : version <= 26 ? 1 : 2;
    return { 1: [10, 12, 14], 2: [9, 11, 13], 4: [8, 16, 16], 8: [8, 10, 12] }[mode][group];
}

function decodeBytes(bytes, charset) {
    try {
        return new TextDecoder(charset ?? "utf-8", { fatal: true }).decode(new Uint8Array(bytes));
    } catch {
        return new TextDecoder("iso-8859-1").decode(new Uint8Array(bytes));
    }
}

const ECI_CHARSETS = { 1: "iso-8859-1", 3: "iso-8859-1", 4: "iso-8859-2", 20: "shift_jis", 26: "utf-8" };

function decodeSegments(data, version) {
    const bits = bitReader(data);
    let text = "";
    let charset = null;
    while (bits.left() >= 4) {
        const mode = bits.read(4);
        if (mode === 0) break;
        if (mode === 7) {
            const first = bits.read(8);
            const designator = (first & 0x80) === 0 ? first
                : (first & 0xc0) === 0x80 ? ((first & 0x3f) << 8) | bits.read(8)
                : ((first & 0x1f) << 16) | bits.read(16);
            charset = ECI_CHARSETS[designator] ?? null;
            continue;
        }
        if (mode === 3) { bits.read(16); continue; }
        if (mode === 5) continue;
        if (mode === 9) { bits.read(8); continue; }
        if (![1, 2, 4, 8].includes(mode)) throw new Error("qr: unknown mode");
        let count = bits.read(countBits(mode, version));
        if (mode === 1) {
            for (; count >= 3; count -= 3) text += String(bits.read(10)).padStart(3, "0");
            if (count === 2) text += String(bits.read(7)).padStart(2, "0");
            if (count === 1) text += String(bits.read(4));
        } else if (mode === 2) {
            for (; count >= 2; count -= 2) {
                const pair = bits.read(11);
                text += ALPHANUMERIC[Math.floor(pair / 45)] + ALPHANUMERIC[pair % 45];
            }
            if (count === 1) text += ALPHANUMERIC[bits.read(6)];
        } else if (mode === 4) {
            const bytes = [];
            for (let i = 0; i < count; i++) bytes.push(bits.read(8));
            text += decodeBytes(bytes, charset);
        } else {
            const bytes = [];
            for (let i = 0; i < count; i++) {
                const value = bits.read(13);
                let code = (Math.floor(value / 0xc0) << 8) | (value % 0xc0);
                code += code + 0x8140 <= 0x9ffc ? 0x8140 : 0xc140;
                bytes.push(code >> 8, code & 0xff);
            }
            text += decodeBytes(bytes, "shift_jis");
        }
    }
    return text;
}

// --- From finder patterns to text ----------------------------------------------------------------------------------

/**
 * Where the modules of a code of `version` are in the image: a projective map fitted to the three finder patterns and
 * to the alignment patterns found. These are looked for one at a time, nearest the top-left corner first, each where
 * the map so far puts it, and each one found refits the map — so a tilted paper, whose far corner is well away from
 * where a flat one's would be, is followed step by step. Until an alignment pattern off the two edges from the top-left
 * (or one on each edge) pins the perspective, the fourth corner of the parallelogram stands in.
 */
function locate(image, triple, version, alignment = true) {
    const size = dimensionOf(version);
    const { topLeft, topRight, bottomLeft } = triple;
    const found = [
        { u: 3.5, v: 3.5, x: topLeft.x, y: topLeft.y },
        { u: size - 3.5, v: 3.5, x: topRight.x, y: topRight.y },
        { u: 3.5, v: size - 3.5, x: bottomLeft.x, y: bottomLeft.y },
    ];
    const corner = { u: size - 3.5, v: size - 3.5, x: topRight.x + bottomLeft.x - topLeft.x, y: topRight.y + bottomLeft.y - topLeft.y };
    let pinned = false, onTop = false, onLeft = false;
    let map = perspective([...found, corner]);
    const centres = alignment ? alignmentPositions(version) : [];
    const last = size - 7;
    const patterns = [];
    for (const cy of centres) {
        for (const cx of centres) {
            if (!((cx === 6 && cy === 6) || (cx === 6 && cy === last) || (cx === last && cy === 6))) patterns.push([cx, cy]);
        }
    }
    patterns.sort((a, b) => a[0] + a[1] - (b[0] + b[1]));
    for (const [cx, cy] of patterns) {
        if (!map) return null;
        const [x, y] = map(cx + 0.5, cy + 0.5);
        const [ax, ay] = map(cx + 1.5, cy + 0.5);
        const [dx, dy] = map(cx + 0.5, cy + 1.5);
        const across = { x: ax - x, y: ay - y }, down = { x: dx - x, y: dy - y };
        // Once the perspective is pinned the map knows the module size here; before, it may be off by a quarter. Only
        // the first pattern may be far from where a flat code would have it; each later one is predicted from it.
        let hit = null;
        for (const reach of pinned ? [3] : found.length > 3 ? [4] : [4, 8, 12]) {
            hit = findAlignment(image, x, y, across, down, reach, pinned ? [1] : [0.8, 1, 1.25]);
            if (hit) break;
        }
        if (!hit) continue;
        found.push({ u: cx + 0.5, v: cy + 0.5, x: hit.x, y: hit.y });
        if (cx > 6 && cy > 6) pinned = true;
        if (cx === 6) onLeft = true;
        if (cy === 6) onTop = true;
        pinned ||= onLeft && onTop;
        map = perspective(pinned ? found : [...found, corner]);
    }
    return map;
}

/** The module grid of a code of `version`, each module read at its centre (located without alignment patterns: quick). */
function sampleGrid(image, triple, version, alignment = true) {
    const map = locate(image, triple, version, alignment);
    if (!map) return null;
    const size = dimensionOf(version);
    const cells = new Uint8Array(size * size);
    for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
            const [px, py] = map(x + 0.5, y + 0.5);
            cells[y * size + x] = image.sample(px, py) ? 1 : 0;
        }
    }
    return { size, at: (x, y) => cells[y * size + x] === 1 };
}

function decodeGrid(grid, version) {
    const format = readFormat(grid);
    if (!format) return null;
    const data = correctedData(readCodewords(grid, version, format.mask), version, format.level);
    if (!data) return null;
    try {
        return decodeSegments(data, version);
    } catch {
        return null;
    }
}

/** The versions to try for a triple: from the finder patterns' distance, nearest first. */
function likelyVersions(triple) {
    const { topLeft, topRight, bottomLeft } = triple;
    // The module sizes come from runs across and down the image; through a square turned by θ such a run is longer
    // by 1 / max(|cos θ|, |sin θ|) (up to √2 at 45°).
    const turned = (from, to) => {
        const angle = Math.atan2(to.y - from.y, to.x - from.x);
        return Math.max(Math.abs(Math.cos(angle)), Math.abs(Math.sin(angle)));
    };
    const across = distance(topLeft, topRight) / ((topLeft.module + topRight.module) / 2 * turned(topLeft, topRight));
    const down = distance(topLeft, bottomLeft) / ((topLeft.module + bottomLeft.module) / 2 * turned(topLeft, bottomLeft));
    const estimate = ((across + down) / 2 + 7 - 17) / 4;
    const nearestVersion = Math.round(estimate);
    return [0, 1, -1, 2, -2].map((d) => nearestVersion + d).filter((v) => v >= 1 && v <= 40);
}

function decodeTriple(image, triple) {
    const tried = new Set();
    const queue = likelyVersions(triple);
    while (queue.length > 0) {
        const version = queue.shift();
        if (tried.has(version)) continue;
        tried.add(version);
        if (version >= 7) {
            // From version 7 the code says its version, next to the finder patterns, where the finder patterns alone
            // place the modules well: trust that over the estimate, before looking for alignment patterns.
            const stated = readVersion(sampleGrid(image, triple, version, false) ?? { size: dimensionOf(version), at: () => false });
            if (stated !== null && stated !== version) {
                if (!tried.has(stated)) queue.unshift(stated);
                continue;
            }
        }
        const grid = sampleGrid(image, triple, version);
        const text = grid && decodeGrid(grid, version);
        if (text) return text;
    }
    return null;
}

function decodeImage(image, triples) {
    for (const [n, triple] of triples.slice(0, 4).entries()) {
        const text = decodeTriple(image, triple);
        if (text !== null) return text;
        if (n > 0) continue;
        // Seen from behind (mirrored): the best patterns with the two outer ones swapped.
        const mirrored = decodeTriple(image, { ...triple, topRight: triple.bottomLeft, bottomLeft: triple.topRight });
        if (mirrored !== null) return mirrored;
    }
    return null;
}

export function decodeQr(pixels) {
    const { width, height } = pixels;
    if (width < 21 || height < 21) return null;
    const grey = greyLevels(pixels);
    const binary = binarize(grey, width, height);
    // Light on dark only where no code was seen dark on light: its finder patterns are not found the usual way round.
    const usual = bitImage(grey, binary, width, height, false);
    const triples = finderTriples(findFinderPatterns(usual));
    if (triples.length > 0) return decodeImage(usual, triples);
    const inverted = bitImage(grey, binary, width, height, true);
    return decodeImage(inverted, finderTriples(findFinderPatterns(inverted)));
}
