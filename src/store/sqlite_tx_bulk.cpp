// Bulk invitation jobs and their skipped rows (migration 4). A job's position, counts and
// the rows of a chunk are written in one transaction, so a crash never loses or repeats
// a row: processing resumes at next_line / next_offset.
#include "store/sqlite_tx.hpp"

namespace cis::store {

namespace {

#define CIS_BULK_JOB_SELECT(where)                                                          \
    ("SELECT id, kind, organizer, event_id, source, inbound_id, key_id, notify, origin, "  \
     "format, state, error, next_line, next_offset, total, accepted, already_invited, "     \
     "skipped, skip_reasons, created_at, started_at, finished_at FROM bulk_jobs " where)

BulkJob read_bulk_job(const Statement& s) {
    BulkJob j;
    j.id = s.i64(0);
    j.kind = s.text(1);
    j.organizer = s.text(2);
    j.event_id = s.text(3);
    j.source = s.text(4);
    j.inbound_id = s.opt_i64(5);
    j.key_id = s.text(6);
    j.notify = s.text(7);
    j.origin = s.text(8);
    j.format = s.text(9);
    j.state = s.text(10);
    j.error = s.text(11);
    j.next_line = s.i64(12);
    j.next_offset = s.i64(13);
    j.total = s.i64(14);
    j.accepted = s.i64(15);
    j.already_invited = s.i64(16);
    j.skipped = s.i64(17);
    j.skip_reasons = s.text(18);
    j.created_at = s.i64(19);
    j.started_at = s.opt_i64(20);
    j.finished_at = s.opt_i64(21);
    return j;
}

}  // namespace

std::int64_t SqliteTx::insert_bulk_job(const BulkJob& j, const std::string& input) {
    auto s = db_.prepare(
        "INSERT INTO bulk_jobs (kind, organizer, event_id, source, inbound_id, key_id, notify, "
        "origin, format, input, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, j.kind).bind(2, j.organizer).bind(3, j.event_id).bind(4, j.source);
    s.bind(5, j.inbound_id).bind(6, j.key_id).bind(7, j.notify).bind(8, j.origin);
    s.bind(9, j.format).bind_blob(10, input).bind(11, j.state).bind(12, j.created_at);
    s.run();
    return db_.last_insert_id();
}

std::optional<BulkJob> SqliteTx::find_bulk_job(std::int64_t id) {
    auto s = db_.prepare(CIS_BULK_JOB_SELECT("WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_bulk_job(s);
}

std::optional<std::string> SqliteTx::bulk_job_input(std::int64_t id) {
    auto s = db_.prepare("SELECT input FROM bulk_jobs WHERE id = ? AND input IS NOT NULL");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

std::optional<BulkJob> SqliteTx::next_bulk_job() {
    auto s = db_.prepare(
        CIS_BULK_JOB_SELECT("WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1"));
    if (!s.step()) return std::nullopt;
    return read_bulk_job(s);
}

std::vector<BulkJob> SqliteTx::list_bulk_jobs(const BulkJobFilter& f) {
    auto s = db_.prepare(CIS_BULK_JOB_SELECT(
        "WHERE (?1 = '' OR organizer = ?1) "
        "AND (?2 = '' OR substr(organizer, -length(?2) - 1) = '@' || ?2) "
        "AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4"));
    s.bind(1, f.organizer).bind(2, f.domain).bind(3, f.before);
    s.bind(4, static_cast<std::int64_t>(f.limit));
    std::vector<BulkJob> out;
    while (s.step()) out.push_back(read_bulk_job(s));
    return out;
}

void SqliteTx::update_bulk_job(const BulkJob& j) {
    auto s = db_.prepare(
        "UPDATE bulk_jobs SET state = ?2, error = ?3, next_line = ?4, next_offset = ?5, "
        "total = ?6, accepted = ?7, already_invited = ?8, skipped = ?9, skip_reasons = ?10, "
        "started_at = ?11, finished_at = ?12, "
        "input = CASE WHEN ?2 IN ('done', 'failed') THEN NULL ELSE input END WHERE id = ?1");
    s.bind(1, j.id).bind(2, j.state).bind(3, j.error).bind(4, j.next_line);
    s.bind(5, j.next_offset).bind(6, j.total).bind(7, j.accepted).bind(8, j.already_invited);
    s.bind(9, j.skipped).bind(10, j.skip_reasons).bind(11, j.started_at).bind(12, j.finished_at);
    s.run();
}

void SqliteTx::insert_bulk_skip(std::int64_t job_id, const BulkSkip& k) {
    auto s = db_.prepare(
        "INSERT INTO bulk_skips (job_id, line, email, reason, detail) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, job_id).bind(2, k.line).bind(3, k.email).bind(4, k.reason).bind(5, k.detail);
    s.run();
}

std::vector<BulkSkip> SqliteTx::list_bulk_skips(std::int64_t job_id, std::int64_t after,
                                                std::size_t limit) {
    auto s = db_.prepare(
        "SELECT line, email, reason, detail FROM bulk_skips WHERE job_id = ? AND line > ? "
        "ORDER BY line LIMIT ?");
    s.bind(1, job_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    std::vector<BulkSkip> out;
    while (s.step()) out.push_back(BulkSkip{s.i64(0), s.text(1), s.text(2), s.text(3)});
    return out;
}

}  // namespace cis::store
