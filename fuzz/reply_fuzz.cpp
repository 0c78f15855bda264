// Untrusted bytes through the rsvp@ readers: MIME (GMime) → every calendar → the reply
// parser (libical plus its own content-line reader for the ATTENDEE parameters libical
// loses) → the pure reply rules. The same bytes are also read directly as a calendar,
// and as the "invitation" the sandbox's reply builder answers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ical/parse_reply.hpp"
#include "imip/reply_builder.hpp"
#include "itip/reply_rules.hpp"
#include "mail/charset.hpp"
#include "mail/inbound_message.hpp"

namespace {

void exercise(const cis::ical::ParsedReply& parsed) {
    (void)cis::itip::client_family(parsed.reply.prodid);
    for (const auto& ev : parsed.reply.events) {
        for (const auto& a : ev.attendees) {
            (void)cis::itip::status_of_partstat(a.partstat);
            (void)cis::itip::choose_attendee(ev, a.address);
        }
        (void)cis::itip::choose_attendee(ev, "ann+cis@example.org");
        (void)cis::itip::is_newer(ev.version(), cis::Version{1, 1});
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto message = cis::mail::parse_inbound(bytes);
    (void)cis::itip::detect_auto_reply({message.subject, message.auto_submitted,
                                        message.x_autoreply, message.x_autorespond,
                                        message.precedence, !message.calendars.empty()});
    for (const auto& part : message.calendars) exercise(cis::ical::parse_reply(part.text));
    exercise(cis::ical::parse_reply(cis::mail::to_utf8(bytes, "")));
    (void)cis::imip::build_simulated_reply(bytes, cis::imip::ReplyPartstat::Tentative,
                                           cis::imip::ReplyClient::Apple, 1900000000);
    return 0;
}
