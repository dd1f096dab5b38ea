// Reads QR codes off the page's main thread (see qr-decoder.js), so the page and the camera's picture stay smooth while
// a photo or a frame is read. Messages: { id, pixels: ImageData } in, { id, text } out.
import { decodeQr } from "./qr-decoder.js";

self.addEventListener("message", ({ data: { id, pixels } }) => {
    let text = null;
    try {
        text = decodeQr(pixels);
    } catch {
        text = null;
    }
    self.postMessage({ id, text });
});
