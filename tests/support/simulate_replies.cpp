// Test-only tool: renders CIS invitations for three hand-built events and, for each, the
// simulated replies of every client (google, outlook, apple) and PARTSTAT into OUTDIR:
// <case>.invitation.eml and <case>.<client>.<partstat>.eml. Run by
// tests/support/check_simulated_replies.py, which reads them with Python's email and
// icalendar and states its own expectations.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "core/event.hpp"
#include "imip/invitation.hpp"
#include "imip/recipient_uid.hpp"
#include "imip/reply_builder.hpp"

namespace {

using namespace cis;

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0) {
    return civil_to_epoch(CivilTime{y, mo, d, h, mi, 0});
}

struct Case {
    const char* name;
    Event event;
    const char* attendee;
    const char* attendee_name;
};

Event make(const char* id, std::int64_t sequence, const char* summary, CalTime start, CalTime end,
           const char* zone) {
    Event e;
    e.id = id;
    e.sequence = sequence;
    e.fields.summary = summary;
    e.fields.start = std::move(start);
    e.fields.end = std::move(end);
    e.fields.timezone = zone;
    e.fields.all_day = e.fields.start.is_date;
    return e;
}

bool write(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
    return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: simulate_replies OUTDIR\n";
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    const Case cases[] = {
        {"berlin",
         make("ev-berlin", 2, "Größenplanung: Äpfel, Öl & Übermut; ein sehr langer Titel",
              CalTime{utc(2030, 5, 1, 8), "20300501T100000", false, false},
              CalTime{utc(2030, 5, 1, 9, 30), "20300501T113000", false, false}, "Europe/Berlin"),
         "ann+cis@example.org", "Ann Örtel"},
        {"utc",
         make("ev-utc", 0, "Standup", CalTime{utc(2030, 3, 4, 9), "20300304T090000Z", false, false},
              CalTime{utc(2030, 3, 4, 9, 15), "20300304T091500Z", false, false}, ""),
         "bob@example.net", ""},
        {"allday",
         make("ev-allday", 1, "Betriebsausflug", CalTime{utc(2030, 7, 1), "20300701", true, false},
              CalTime{utc(2030, 7, 2), "20300702", true, false}, ""),
         "carol@example.com", "Carol"},
    };
    const std::int64_t now = utc(2030, 1, 5, 12);
    for (const auto& c : cases) {
        imip::TemplateInput in(c.event);
        in.organizer_name = "Müller, Hans";
        in.rsvp_address = "rsvp@cis.example.org";
        in.dtstamp = utc(2030, 1, 2, 3, 4);
        in.message_id_domain = "cis.example.org";
        imip::Recipient r;
        r.email = c.attendee;
        r.name = c.attendee_name;
        r.uid = imip::recipient_uid("key", c.event.id, r.email, "cis.example.org");
        const std::string invitation = imip::InvitationTemplate(in).render(r);
        if (!write(dir / (std::string(c.name) + ".invitation.eml"), invitation)) return 1;
        for (auto client :
             {imip::ReplyClient::Google, imip::ReplyClient::Outlook, imip::ReplyClient::Apple})
            for (auto partstat : {imip::ReplyPartstat::Accepted, imip::ReplyPartstat::Declined,
                                  imip::ReplyPartstat::Tentative}) {
                const auto reply = imip::build_simulated_reply(invitation, partstat, client, now);
                if (!reply.error.empty()) {
                    std::cerr << c.name << " " << imip::to_string(client) << ": " << reply.error
                              << "\n";
                    return 1;
                }
                const std::string file = std::string(c.name) + "." + imip::to_string(client) + "." +
                                         imip::to_string(partstat) + ".eml";
                if (!write(dir / file, reply.message)) return 1;
            }
    }
    return 0;
}
