#pragma once
// gzip Content-Encoding for responses (RFC 9110 §8.4, §12.5.3). A schedule page of 2 500
// events is ~2 MB of HTML and ~126 KB gzipped: on a phone that is the difference between
// waiting and not. Compression runs on the thread that responds: a handler answering from a
// worker has it done there; one answering inline (the public pages render inline) on the
// I/O thread, like the render itself.
#include <cstddef>
#include <string_view>

#include "http/message.hpp"

namespace cis::http {

struct CompressionOptions {
    int level = 1;                // libdeflate level 1-12; 0 = never compress. Level 1 is
                                  // the cheapest and, on HTML, within 6% of level 7's size.
    std::size_t min_size = 1024;   // smaller bodies gain less than the header costs
};

// Whether a request with this Accept-Encoding takes gzip: "gzip", "x-gzip" or "*" with a
// q-value above 0; "gzip;q=0" refuses it even when "*" allows the rest. Case-insensitive.
// Several header lines are one list joined by commas (RFC 9110 §5.3).
bool accepts_gzip(std::string_view accept_encoding);

// Whether a body of this Content-Type is worth compressing: text, JSON, JavaScript, XML,
// SVG, iCalendar. Not images, archives or anything already compressed.
bool compressible_type(std::string_view content_type);

// Compresses r's body in place when the type is compressible, the body at least min_size,
// the status one with a body, no Content-Encoding set yet, and the result smaller. Adds
// "Vary: Accept-Encoding" to every compressible response (also when this client did not take
// gzip, so a shared cache keeps the variants apart) and weakens a strong ETag of a
// compressed body, as its bytes differ from the identity representation's. A compressed
// answer also carries "Server-Timing: gzip;dur=<ms>". A 304 gets the Vary and, for a client
// taking gzip, the weak ETag its 200 would have had. If compressing fails (allocation), the
// answer goes as it came.
void compress_response(Response& r, bool client_accepts_gzip, const CompressionOptions& o);

}  // namespace cis::http
