#include "services/page_confirm.hpp"

#include <fmt/format.h>

#include "mail/outgoing_message.hpp"
#include "imip/human_text.hpp"
#include "services/ids.hpp"
#include "services/invites.hpp"

namespace cis::services {

std::string build_confirmation_email(const store::Page& page,
                                     const std::vector<const Event*>& events,
                                     const std::string& email, const std::string& link,
                                     const ConfirmationContext& c) {
    const std::string page_url = fmt::format("{}/p/{}", c.public_url, page.id);
    std::string body = fmt::format(
        "Someone, probably you, asked on {} for calendar invitations to be sent to this "
        "address for:\n\n",
        page_url);
    for (const Event* e : events)
        body += fmt::format("  * {}\n    {}\n",
                            e->fields.summary.empty() ? "(untitled event)" : e->fields.summary,
                            imip::when_text(e->fields, false));
    body += fmt::format(
        "\nTo get {}, open this link within {} hours and confirm there:\n\n  {}\n\n"
        "If it was not you, ignore this message: nothing is sent without your confirmation.\n",
        events.size() == 1 ? "it" : "them", kConfirmationHours, link);
    body += fmt::format("\n-- \n{}\n", page.title.empty() ? page_url : page.title);
    mail::TextMessage m;
    m.from_name = page.title.empty() ? "CIS" : page.title;
    m.from_address = c.from_local + "@" + c.domain;
    m.to_address = email;
    m.subject = events.size() != 1 ? fmt::format("Confirm your {} invitations", events.size())
                : events.front()->fields.summary.empty()
                    ? std::string("Confirm your invitation")
                    : fmt::format("Confirm your invitation: {}", events.front()->fields.summary);
    m.text = body;
    m.message_id_domain = c.domain;
    m.date = c.now;
    return mail::build_text_message(m);
}

std::string request_page_confirmation(store::Tx& tx, const store::Page& page,
                                      const std::vector<const Event*>& events,
                                      const std::string& email, const ConfirmationContext& c) {
    if (suppression_shown(tx, email, page.organizer, SuppressionDetail::None)) return "";
    store::PageConfirmation pc;
    pc.token = random_token(24);
    pc.page_id = page.id;
    pc.email = email;
    for (const Event* e : events) pc.event_ids.push_back(e->id);
    pc.created_at = c.now;
    pc.expires_at = c.now + kConfirmationHours * 3600;
    tx.insert_page_confirmation(pc);
    const std::string link = fmt::format("{}/confirm/{}", c.public_url, pc.token);
    // Due now, like the invitations of a page without confirmation: a public form must not
    // put its mail ahead of what is already waiting (organizers' own mail goes first).
    store::OutboxMessage m;
    m.kind = "confirmation";
    m.event_id = events.empty() ? "" : events.front()->id;
    m.env_from = c.bounce_local + "@" + c.domain;  // a bounce of it suppresses nothing
    m.rcpt = email;
    m.message = build_confirmation_email(page, events, email, link, c);
    m.created_at = m.next_attempt_at = c.now;
    tx.enqueue(m);
    return pc.token;
}

}  // namespace cis::services
