#pragma once
// Inflates one gzip member with zlib's own inflate: what the tests and the HTTP fuzzer use
// to check that a compressed answer is exactly the body the handler made. Header-only, so
// the fuzz targets (which link no test support) can use it too.
#include <zlib.h>

#include <optional>
#include <string>
#include <string_view>

namespace cis::test {

// nullopt unless `in` is exactly one complete gzip member.
inline std::optional<std::string> gunzip(std::string_view in) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;  // gzip wrapper only
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
    inflateEnd(&z);
    if (!whole) return std::nullopt;
    return out;
}

}  // namespace cis::test
