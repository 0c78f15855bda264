#include "services/json_views.hpp"

namespace cis::services {

namespace {
nlohmann::json text_or_null(const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

// What an event and each of its occurrences share.
nlohmann::json fields_json(const EventFields& f) {
    return {{"summary", f.summary},
            {"description", f.description},
            {"location", f.location},
            {"start", to_rfc3339(f.start)},
            {"end", to_rfc3339(f.end)},
            {"timezone", text_or_null(f.timezone)},
            {"all_day", f.all_day},
            {"status", f.status == EventStatus::Cancelled ? "cancelled" : "confirmed"}};
}

nlohmann::json keys_rfc3339(const std::vector<std::string>& keys) {
    auto out = nlohmann::json::array();
    for (const auto& k : keys) out.push_back(recurrence_id_rfc3339(k));
    return out;
}
}  // namespace

std::string recurrence_id_rfc3339(const std::string& key) {
    bool is_date = false, is_utc = false;
    const auto civil = parse_basic(key, &is_date, &is_utc);
    if (!civil) return key;
    const CalTime t{civil_to_epoch(*civil), key, is_date, !is_utc && !is_date};
    return to_rfc3339(t);
}

nlohmann::json event_json(const Event& e) {
    nlohmann::json j = fields_json(e.fields);
    j.update({
        {"id", e.id},
        {"organizer", e.organizer},
        {"original_uid", e.original_uid},
        {"floating", e.fields.start.floating},
        {"rrule", text_or_null(e.recurrence.rrule)},
        {"rdate", keys_rfc3339(e.recurrence.rdates)},
        {"exdate", keys_rfc3339(e.recurrence.exdates)},
        {"sequence", e.sequence},
        {"organizer_sequence", e.organizer_version.sequence},
        {"last_end", e.last_end ? nlohmann::json(rfc3339_utc(*e.last_end)) : nlohmann::json()},
        {"created_at", rfc3339_utc(e.created_at)},
        {"updated_at", rfc3339_utc(e.updated_at)},
    });
    if (e.fields.status == EventStatus::Tentative) j["tentative"] = true;
    if (!e.recurrence_id.empty()) j["recurrence_id"] = recurrence_id_rfc3339(e.recurrence_id);
    if (!e.occurrences.empty()) {
        auto list = nlohmann::json::array();
        for (const auto& o : e.occurrences) {
            nlohmann::json occ = fields_json(o.fields);
            occ["recurrence_id"] = recurrence_id_rfc3339(o.recurrence_id);
            list.push_back(std::move(occ));
        }
        j["occurrences"] = std::move(list);
    }
    return j;
}

nlohmann::json organizer_json(const store::Organizer& o) {
    return {{"email", o.email},
            {"name", o.name},
            {"trust", o.trust},
            {"has_secret", !o.secret.empty()},
            {"event_limit", o.event_limit},
            {"created_at", rfc3339_utc(o.created_at)}};
}

nlohmann::json api_key_json(const store::ApiKey& k) {
    return {{"id", k.id},
            {"role", k.role},
            {"organizer", text_or_null(k.organizer)},
            {"domain", text_or_null(k.domain)},
            {"label", k.label},
            {"created_at", rfc3339_utc(k.created_at)},
            {"revoked_at",
             k.revoked_at ? nlohmann::json(rfc3339_utc(*k.revoked_at)) : nlohmann::json()}};
}

nlohmann::json inbound_json(const store::InboundRecord& r) {
    nlohmann::json j = {{"id", r.id},
                        {"received_at", rfc3339_utc(r.received_at)},
                        {"channel", r.channel},
                        {"mailbox", r.mailbox},
                        {"rcpt", r.rcpt},
                        {"mail_from", r.mail_from},
                        {"remote", r.remote},
                        {"from", r.from_address},
                        {"subject", r.subject},
                        {"message_id", r.message_id},
                        {"size", r.size},
                        {"sha256", r.sha256},
                        {"status", r.status},
                        {"reason", r.reason},
                        {"organizer", r.organizer},
                        {"event_ids", r.event_ids}};
    auto details = nlohmann::json::parse(r.details, nullptr, false);
    j["details"] = details.is_discarded() ? nlohmann::json::object() : details;
    j["processed_at"] =
        r.processed_at ? nlohmann::json(rfc3339_utc(*r.processed_at)) : nlohmann::json();
    return j;
}

nlohmann::json outbox_json(const store::OutboxMessage& m, bool with_message) {
    nlohmann::json j = {{"id", m.id},
                        {"kind", m.kind},
                        {"event_id", text_or_null(m.event_id)},
                        {"env_from", m.env_from},
                        {"rcpt", m.rcpt},
                        {"message_id", m.message_id},
                        {"state", m.state},
                        {"attempts", m.attempts},
                        {"last_error", m.last_error},
                        {"created_at", rfc3339_utc(m.created_at)}};
    if (with_message) j["message"] = m.message;
    return j;
}

}  // namespace cis::services
