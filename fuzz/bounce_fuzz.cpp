// Untrusted bytes through the bounce classifier: MIME (GMime) → report parts → the
// delivery-status / feedback-report field parser and the plain-text reader. The same
// bytes also go to the text-level readers directly, so their mutations are explored
// without MIME in the way. Beyond not crashing, every report must explain itself in
// one line of valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mail/bounce.hpp"
#include "mail/bounce_internal.hpp"
#include "mail/charset.hpp"

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
void require_line(const std::string& s) {
    require(cis::mail::is_valid_utf8(s) && s.find_first_of("\r\n") == std::string::npos);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace bd = cis::mail::bounce_detail;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto r = cis::mail::classify_bounce(bytes);
    require(!r.reason.empty());
    for (const std::string* s : {&r.recipient, &r.status, &r.diagnostic, &r.reason,
                                 &r.original_message_id, &r.original_envelope_from})
        require_line(*s);
    require(r.status.empty() || bd::is_enhanced_code(r.status));

    const std::string text = cis::mail::sanitize_utf8(bytes);
    const auto reading = bd::read_text(text);
    require_line(reading.diagnostic);
    for (const auto& block : bd::parse_field_blocks(bytes))
        for (const auto& f : block) bd::address_of_field(f.value);
    bd::enhanced_code(bytes);
    bd::smtp_code(bytes);
    return 0;
}
