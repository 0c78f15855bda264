// Untrusted CSV (bulk invitee lists, event imports) through csv::Reader, fed in pieces
// whose size the first byte chooses. Beyond not crashing: records come in order of
// their lines, none exceeds the limits, every refusal explains itself, and the last
// position is the end of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "csv/reader.hpp"
#include "csv/writer.hpp"

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    const cis::csv::Limits limits{.max_field_bytes = 64, .max_record_bytes = 256, .max_record_lines = 4};
    cis::csv::Reader reader(limits);
    std::size_t last_line = 0;
    const cis::csv::Sink sink = [&](cis::csv::Record&& r) {
        require(r.line > last_line || (!r.ok() && r.line >= last_line));
        last_line = r.line;
        require(r.next.line > r.line && r.next.offset <= bytes.size());
        require(r.ok() ? r.fields.size() <= limits.max_record_bytes : !r.error.empty() && r.fields.empty());
        for (const auto& f : r.fields) {
            require(f.size() <= limits.max_field_bytes);
            require(!cis::csv::cell(f).empty() || f.empty());
        }
    };
    for (std::size_t i = 0; i < bytes.size(); i += chunk) reader.feed(bytes.substr(i, chunk), sink);
    reader.finish(sink);
    return 0;
}
