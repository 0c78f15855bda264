// Event versions (event_changes), who a fan-out goes to, and its progress.
#include <nlohmann/json.hpp>

#include "store/sqlite_tx.hpp"

namespace cis::store {

namespace {

#define CIS_CHANGE_SELECT(where)                                                           \
    ("SELECT c.id, c.event_id, c.sequence, c.outcome, c.kind, c.occurrences, c.approval, " \
     "c.fanout, c.queued, c.inbound_id, c.decided_at, c.decided_by, c.created_at "         \
     "FROM event_changes c " where)

EventChange read_change(const Statement& s) {
    EventChange c;
    c.id = s.i64(0);
    c.event_id = s.text(1);
    c.sequence = s.i64(2);
    c.outcome = s.text(3);
    c.kind = s.text(4);
    const auto occ = nlohmann::json::parse(s.text(5), nullptr, false);
    if (occ.is_array())
        for (const auto& o : occ)
            if (o.is_string()) c.occurrences.push_back(o.get<std::string>());
    c.approval = s.text(6);
    c.fanout = s.text(7);
    c.queued = s.i64(8);
    c.inbound_id = s.opt_i64(9);
    c.decided_at = s.opt_i64(10);
    c.decided_by = s.text(11);
    c.created_at = s.i64(12);
    return c;
}

std::optional<std::int64_t> tri_state(std::optional<bool> b) {
    if (!b) return std::nullopt;
    return *b ? 1 : 0;
}

std::optional<bool> tri_state(std::optional<std::int64_t> v) {
    if (!v) return std::nullopt;
    return *v != 0;
}

}  // namespace

std::int64_t SqliteTx::insert_change(const EventChange& c) {
    auto s = db_.prepare(
        "INSERT INTO event_changes (event_id, sequence, outcome, kind, occurrences, approval, "
        "fanout, queued, inbound_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, c.event_id).bind(2, c.sequence).bind(3, c.outcome).bind(4, c.kind);
    s.bind(5, nlohmann::json(c.occurrences).dump()).bind(6, c.approval).bind(7, c.fanout);
    s.bind(8, c.queued).bind(9, c.inbound_id).bind(10, c.created_at);
    s.run();
    return db_.last_insert_id();
}

void SqliteTx::update_change(const EventChange& c) {
    db_.prepare(
           "UPDATE event_changes SET approval = ?, fanout = ?, queued = ?, decided_at = ?, "
           "decided_by = ? WHERE id = ?")
        .bind(1, c.approval)
        .bind(2, c.fanout)
        .bind(3, c.queued)
        .bind(4, c.decided_at)
        .bind(5, c.decided_by)
        .bind(6, c.id)
        .run();
}

std::optional<EventChange> SqliteTx::find_change(std::int64_t id) {
    auto s = db_.prepare(CIS_CHANGE_SELECT("WHERE c.id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_change(s);
}

std::optional<EventChange> SqliteTx::find_change_by_sequence(const std::string& event_id,
                                                             std::int64_t sequence) {
    auto s = db_.prepare(
        CIS_CHANGE_SELECT("WHERE c.event_id = ? AND c.sequence = ? ORDER BY c.id DESC LIMIT 1"));
    s.bind(1, event_id).bind(2, sequence);
    if (!s.step()) return std::nullopt;
    return read_change(s);
}

std::vector<EventChange> SqliteTx::list_changes(const ChangeFilter& f) {
    auto s = db_.prepare(
        CIS_CHANGE_SELECT("JOIN events e ON e.id = c.event_id "
                          "WHERE (?1 = '' OR c.event_id = ?1) AND (?2 = '' OR e.organizer = ?2) "
                          "AND (?3 = '' OR e.organizer LIKE '%@' || ?3) "
                          "AND (?4 = 0 OR (c.approval = 'pending' AND c.fanout = 'pending')) "
                          "ORDER BY c.id DESC LIMIT ?5"));
    s.bind(1, f.event_id).bind(2, f.organizer).bind(3, f.domain).bind(4, f.pending_only);
    s.bind(5, static_cast<std::int64_t>(f.limit));
    std::vector<EventChange> out;
    while (s.step()) out.push_back(read_change(s));
    return out;
}

std::int64_t SqliteTx::supersede_pending_changes(const std::string& event_id,
                                                 std::int64_t below_sequence) {
    db_.prepare(
           "UPDATE event_changes SET fanout = 'superseded' "
           "WHERE event_id = ? AND sequence < ? AND fanout = 'pending'")
        .bind(1, event_id)
        .bind(2, below_sequence)
        .run();
    return db_.changes();
}

std::vector<AudienceMember> SqliteTx::fanout_audience(const std::string& event_id,
                                                      const std::string& organizer,
                                                      bool yes_or_maybe) {
    // "May hold the event": some calendar message to them left, or is leaving, the outbox,
    // or (origin forwarded) the invitation reached them through another invitee.
    // Invitations still queued are not counted: they will never leave (see supersede_queued)
    // or, for an update, will carry the new version themselves.
    auto s = db_.prepare(
        "SELECT i.id, i.email FROM invitees i "
        "WHERE i.event_id = ?1 AND (?2 = 0 OR i.status IN ('yes', 'maybe')) "
        "AND (i.origin = 'forwarded' "  // it reached them through someone else
        "     OR EXISTS (SELECT 1 FROM outbox o WHERE o.invitee_id = i.id "
        "                AND o.state IN ('sending', 'committing', 'sent'))) "
        "AND NOT EXISTS (SELECT 1 FROM suppressions x "
        "                WHERE x.email = i.email AND x.organizer IN ('', ?3)) "
        "ORDER BY i.id");
    s.bind(1, event_id).bind(2, yes_or_maybe).bind(3, organizer);
    std::vector<AudienceMember> out;
    while (s.step()) out.push_back(AudienceMember{s.i64(0), s.text(1)});
    return out;
}

std::int64_t SqliteTx::supersede_queued(const std::string& event_id, std::int64_t below_sequence,
                                        bool invitations_too, const std::string& why) {
    // Written so that the partial index outbox_once (kind, event_id, …) serves it.
    db_.prepare(
           "UPDATE outbox SET state = 'superseded', last_error = ?4 "
           "WHERE kind IN ('invite', 'update', 'cancel') AND event_id = ?1 AND state = 'queued' "
           "AND ((kind IN ('update', 'cancel') AND sequence < ?2) OR (?3 AND kind = 'invite'))")
        .bind(1, event_id)
        .bind(2, below_sequence)
        .bind(3, invitations_too)
        .bind(4, why)
        .run();
    std::int64_t n = db_.changes();
    if (invitations_too) {
        db_.prepare(
               "UPDATE outbox SET state = 'superseded', last_error = ?2 "
               "WHERE invitee_id IN (SELECT id FROM invitees WHERE event_id = ?1) "
               "AND kind = 'resend' AND state = 'queued'")
            .bind(1, event_id)
            .bind(2, why)
            .run();
        n += db_.changes();
    }
    return n;
}

std::vector<DeliveryProgress> SqliteTx::delivery_progress(const std::string& event_id) {
    auto s = db_.prepare(
        "SELECT sequence, kind, "
        "sum(state = 'queued'), sum(state IN ('sending', 'committing')), sum(state = 'sent'), "
        "sum(state = 'failed'), sum(state = 'superseded') "
        "FROM outbox WHERE kind IN ('invite', 'update', 'cancel') AND event_id = ? "
        "GROUP BY sequence, kind ORDER BY sequence, kind");
    s.bind(1, event_id);
    std::vector<DeliveryProgress> out;
    while (s.step())
        out.push_back(DeliveryProgress{s.i64(0), s.text(1), s.i64(2), s.i64(3), s.i64(4), s.i64(5),
                                       s.i64(6)});
    return out;
}

ApprovalSettings SqliteTx::approval_settings(const std::string& event_id) {
    auto s = db_.prepare(
        "SELECT e.approval, o.approval FROM events e "
        "LEFT JOIN organizers o ON o.email = e.organizer WHERE e.id = ?");
    s.bind(1, event_id);
    if (!s.step()) return {};
    return ApprovalSettings{tri_state(s.opt_i64(0)), tri_state(s.opt_i64(1))};
}

void SqliteTx::set_event_approval(const std::string& event_id, std::optional<bool> required) {
    db_.prepare("UPDATE events SET approval = ? WHERE id = ?")
        .bind(1, tri_state(required))
        .bind(2, event_id)
        .run();
}

void SqliteTx::set_organizer_approval(const std::string& email, std::optional<bool> required) {
    db_.prepare("UPDATE organizers SET approval = ? WHERE email = ?")
        .bind(1, tri_state(required))
        .bind(2, email)
        .run();
}

}  // namespace cis::store
