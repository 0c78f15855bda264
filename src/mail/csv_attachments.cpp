#include "mail/csv_attachments.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>

#include "mail/charset.hpp"
#include "mail/gmime_init.hpp"

namespace cis::mail {

namespace {

struct Unref {
    void operator()(void* p) const {
        if (p) g_object_unref(p);
    }
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_csv_name(std::string_view name) {
    return name.size() > 4 && lower(name.substr(name.size() - 4)) == ".csv";
}

void collect(GMimeObject*, GMimeObject* part, gpointer data) {
    if (!GMIME_IS_PART(part)) return;
    auto& out = *static_cast<std::vector<CsvAttachment>*>(data);
    const char* filename = g_mime_part_get_filename(GMIME_PART(part));
    const std::string name = filename ? filename : "";
    GMimeContentType* ct = g_mime_object_get_content_type(part);
    const auto text = [](const char* s) { return std::string(s ? s : ""); };
    const std::string type = ct ? lower(text(g_mime_content_type_get_media_type(ct)) + "/" +
                                        text(g_mime_content_type_get_media_subtype(ct)))
                                : std::string();
    const bool csv_type =
        type == "text/csv" || type == "application/csv" || type == "application/vnd.ms-excel";
    if (name.empty() || !(is_csv_name(name) || csv_type)) return;
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
    if (!content) return;
    std::unique_ptr<GMimeStream, Unref> stream(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, stream.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
    const char* charset = g_mime_object_get_content_type_parameter(part, "charset");
    out.push_back(CsvAttachment{
        name, to_utf8(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len),
                      charset ? charset : "")});
}

}  // namespace

bool names_csv(const std::vector<std::string>& attachment_names) {
    return std::any_of(attachment_names.begin(), attachment_names.end(),
                       [](const std::string& n) { return is_csv_name(n); });
}

std::vector<CsvAttachment> csv_attachments(std::string_view raw) {
    ensure_gmime();
    std::vector<CsvAttachment> out;
    std::unique_ptr<GMimeStream, Unref> stream(
        g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    std::unique_ptr<GMimeParser, Unref> parser(g_mime_parser_new_with_stream(stream.get()));
    std::unique_ptr<GMimeMessage, Unref> message(
        g_mime_parser_construct_message(parser.get(), nullptr));
    if (message) g_mime_message_foreach(message.get(), collect, &out);
    return out;
}

}  // namespace cis::mail
