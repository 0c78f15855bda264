// Untrusted batch imports: the bytes as a CSV of events (services/event_csv) and as a
// mail whose CSV attachments are looked for (mail/inbound_message). Beyond not
// crashing: every row is either an event with a UID and an end not before its start, or
// a problem with its reason; a file refused as a whole says why and keeps nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mail/inbound_message.hpp"
#include "services/import_file.hpp"

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto file = cis::services::read_csv_import(bytes, "fuzz.csv", 1900000000);
    if (!file.error.empty()) require(file.calendar.events.empty() && file.problems.empty());
    for (const auto& ev : file.calendar.events) {
        require(!ev.uid.empty() && !ev.fields.summary.empty());
        require(ev.fields.end.utc >= ev.fields.start.utc);
    }
    for (const auto& p : file.problems) require(!p.reason.empty() && !p.key.empty());
    for (const auto& t : cis::mail::parse_inbound(bytes).tables)
        require(!t.content_type.empty() || !t.filename.empty());
    return 0;
}
