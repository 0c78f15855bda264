// Reads for the invitee report (SPEC §3.7): only the columns the report shows, in pages
// along the UNIQUE (event_id, email) index, so an event with a million invitees is read
// in bounded steps without sorting.
#include "store/sqlite_tx.hpp"

namespace cis::store {

std::vector<Invitee> SqliteTx::invitees_by_email(const std::string& event_id,
                                                 const std::string& after_email,
                                                 std::size_t limit) {
    auto s = db_.prepare(
        "SELECT email, name, status, origin, client, invited_at, responded_at FROM invitees "
        "WHERE event_id = ? AND email > ? ORDER BY email LIMIT ?");
    s.bind(1, event_id).bind(2, after_email).bind(3, static_cast<std::int64_t>(limit));
    std::vector<Invitee> out;
    while (s.step()) {
        Invitee i;
        i.event_id = event_id;
        i.email = s.text(0);
        i.name = s.text(1);
        i.status = s.text(2);
        i.origin = s.text(3);
        i.client = s.text(4);
        i.invited_at = s.i64(5);
        i.responded_at = s.opt_i64(6);
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace cis::store
