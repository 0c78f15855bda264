#include "mail/outgoing_message.hpp"

#include <gmime/gmime.h>

#include <memory>

#include "mail/gmime_init.hpp"

namespace cis::mail {

namespace {
struct Unref {
    void operator()(void* p) const {
        if (p) g_object_unref(p);
    }
};
}  // namespace

std::string build_text_message(const TextMessage& m) {
    ensure_gmime();
    std::unique_ptr<GMimeMessage, Unref> msg(g_mime_message_new(TRUE));
    g_mime_message_add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_FROM, m.from_name.c_str(),
                               m.from_address.c_str());
    g_mime_message_add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_TO, m.to_name.c_str(),
                               m.to_address.c_str());
    g_mime_message_set_subject(msg.get(), m.subject.c_str(), "utf-8");
    GDateTime* date = g_date_time_new_from_unix_utc(m.date);
    g_mime_message_set_date(msg.get(), date);
    g_date_time_unref(date);
    char* id = g_mime_utils_generate_message_id(m.message_id_domain.c_str());
    g_mime_message_set_message_id(msg.get(), id);
    g_free(id);
    if (!m.in_reply_to.empty()) {
        const std::string ref = "<" + m.in_reply_to + ">";
        g_mime_object_set_header(GMIME_OBJECT(msg.get()), "In-Reply-To", ref.c_str(), nullptr);
        g_mime_object_set_header(GMIME_OBJECT(msg.get()), "References", ref.c_str(), nullptr);
    }
    // Organizer notifications are machine-generated: mark them so (RFC 3834) and
    // keep vacation responders from answering.
    g_mime_object_set_header(GMIME_OBJECT(msg.get()), "Auto-Submitted", "auto-generated", nullptr);

    std::unique_ptr<GMimeTextPart, Unref> body(g_mime_text_part_new_with_subtype("plain"));
    g_mime_text_part_set_text(body.get(), m.text.c_str());  // picks charset and encoding
    g_mime_message_set_mime_part(msg.get(), GMIME_OBJECT(body.get()));

    GMimeFormatOptions* fmt = g_mime_format_options_clone(g_mime_format_options_get_default());
    g_mime_format_options_set_newline_format(fmt, GMIME_NEWLINE_FORMAT_DOS);
    char* text = g_mime_object_to_string(GMIME_OBJECT(msg.get()), fmt);
    g_mime_format_options_free(fmt);
    std::string out(text ? text : "");
    g_free(text);
    return out;
}

}  // namespace cis::mail
