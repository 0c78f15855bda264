#include "services/bulk_jobs.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <unordered_set>
#include <vector>

#include "core/text.hpp"
#include "core/thread_name.hpp"
#include "mail/address_check.hpp"
#include "services/bulk_rows.hpp"
#include "services/organizer_mail.hpp"

namespace cis::services {

namespace {

std::int64_t now_seconds() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

// A row with what could be decided without the database: syntax and duplicates.
struct Pending {
    BulkRow row;
    std::string email;  // checked and lower-cased; empty when the row is skipped already
    store::BulkSkip skip;
};

class JobRun {
  public:
    JobRun(store::Store& store, const BulkSettings& s, store::BulkJob job)
        : store_(store),
          s_(s),
          job_(std::move(job)),
          reasons_(nlohmann::json::parse(job_.skip_reasons, nullptr, false)) {
        if (!reasons_.is_object()) reasons_ = nlohmann::json::object();
    }

    void run(const std::string& input, const std::function<void()>& work_queued,
             const std::function<bool()>& stop) {
        for_each_bulk_row(job_.format, input, [&](BulkRow&& row) {
            if (stopped_) return;
            Pending p = classify(std::move(row));
            // Rows before the job's position were committed by an earlier run: they only
            // rebuild the set of addresses seen, so duplicates are judged as before.
            if (p.row.line < job_.next_line) return;
            chunk_.push_back(std::move(p));
            if (chunk_.size() >= s_.chunk_rows) {
                commit_chunk();
                work_queued();
                if (stop()) stopped_ = true;
            }
        });
        if (stopped_) return;
        commit_chunk();
        finish("done", "");
        work_queued();
    }

    void fail(const std::string& why) { finish("failed", why); }

  private:
    Pending classify(BulkRow&& row) {
        Pending p;
        p.skip.line = row.line;
        p.skip.email = row.email.substr(0, 320);
        if (!row.error_code.empty()) {
            p.skip.reason = row.error_code;
            p.skip.detail = row.error;
        } else if (const auto checked = mail::check_address(row.email); !checked.ok()) {
            p.skip.reason = "invalid_email";
            p.skip.detail = checked.error;
        } else {
            const std::string email = ascii_lower(checked.address);
            if (!row.event.empty() && row.event != job_.event_id) {
                p.skip.reason = "other_event";
                p.skip.detail = "the row names event " + row.event.substr(0, 64);
            } else if (!seen_.insert(email).second) {
                p.skip.reason = "duplicate";
                p.skip.detail = "the address appears earlier in the list";
            } else {
                p.email = std::move(email);
            }
        }
        p.row = std::move(row);
        return p;
    }

    void skip(store::Tx& tx, const store::BulkSkip& k) {
        tx.insert_bulk_skip(job_.id, k);
        ++job_.skipped;
        reasons_[k.reason] = reasons_.value(k.reason, 0) + 1;
    }

    void commit_chunk() {
        if (chunk_.empty()) return;
        const store::BulkJob before = job_;
        const nlohmann::json reasons_before = reasons_;
        try {
            store_.write([&](store::Tx& tx) {
                const auto event = tx.find_event_by_id(job_.event_id);
                const std::int64_t now = now_seconds();
                if (auto why = event ? event_refuses_bulk(*event, now) : "the event was deleted") {
                    job_.error =
                        fmt::format("stopped at line {}: {}", chunk_.front().row.line, *why);
                    job_.state = "failed";
                    job_.finished_at = now;
                    tx.update_bulk_job(job_);
                    queue_result(tx, event ? &*event : nullptr, now);
                    stopped_ = true;
                    return;
                }
                InviteContext ic = s_.invite;
                ic.now = now;
                for (const auto& p : chunk_) {
                    ++job_.total;
                    if (p.email.empty()) {
                        skip(tx, p.skip);
                    } else if (auto why = suppression_shown(tx, p.email, job_.organizer,
                                                            SuppressionDetail::Own)) {
                        // Skipped rows reach the organizer (result email, /jobs): another
                        // organizer's bounce detail is not theirs to read.
                        skip(tx, store::BulkSkip{p.row.line, p.email, "suppressed", *why});
                    } else if (tx.find_invitee(job_.event_id, p.email)) {
                        ++job_.already_invited;
                    } else {
                        auto inv = new_invitee(*event, p.email, p.row.name, job_.origin, ic);
                        inv.id = tx.insert_invitee(inv);
                        queue_invitation(tx, inv, "invite", event->sequence, ic);
                        ++job_.accepted;
                    }
                }
                job_.next_line = chunk_.back().row.next_line;
                job_.next_offset = chunk_.back().row.next_offset;
                job_.skip_reasons = reasons_.dump();
                tx.update_bulk_job(job_);
            });
        } catch (...) {
            job_ = before;  // nothing of the chunk was stored
            reasons_ = reasons_before;
            throw;
        }
        chunk_.clear();
    }

    void finish(const std::string& state, const std::string& error) {
        store_.write([&](store::Tx& tx) {
            job_.state = state;
            job_.error = error;
            job_.finished_at = now_seconds();
            job_.skip_reasons = reasons_.dump();
            tx.update_bulk_job(job_);
            const auto event = tx.find_event_by_id(job_.event_id);
            queue_result(tx, event ? &*event : nullptr, *job_.finished_at);
        });
    }

    void queue_result(store::Tx& tx, const Event* event, std::int64_t now) {
        queue_organizer_mail(
            tx,
            {"notification", job_.event_id, s_.invite.bounce_local + "@" + s_.invite.domain,
             job_.notify, build_bulk_result(tx, job_, event, s_, now)},
            now);
    }

    store::Store& store_;
    const BulkSettings& s_;
    store::BulkJob job_;
    nlohmann::json reasons_;
    std::unordered_set<std::string> seen_;
    std::vector<Pending> chunk_;
    bool stopped_ = false;
};

}  // namespace

std::optional<std::string> event_refuses_bulk(const Event& event, std::int64_t now) {
    if (event.fields.status == EventStatus::Cancelled)
        return std::string("the event is cancelled; it takes no new invitations");
    if (event.last_end && *event.last_end < now)
        return fmt::format("the event ended {}", rfc3339_utc(*event.last_end));
    return std::nullopt;
}

bool run_next_bulk_job(store::Store& store, const BulkSettings& s,
                       const std::function<void()>& work_queued,
                       const std::function<bool()>& stop) {
    std::optional<store::BulkJob> job;
    std::optional<std::string> input;
    store.read([&](store::Tx& tx) {
        job = tx.next_bulk_job();
        if (job) input = tx.bulk_job_input(job->id);
    });
    if (!job) return false;
    if (job->state == "queued") {
        job->state = "running";
        job->started_at = now_seconds();
        store.write([&](store::Tx& tx) { tx.update_bulk_job(*job); });
    }
    JobRun run(store, s, *job);
    if (!input) {
        run.fail("the list of the job is missing");
        return true;
    }
    try {
        run.run(*input, work_queued, stop);
    } catch (const store::TemporaryError&) {
        throw;  // busy or full database: the job stays running and resumes after its last chunk
    } catch (const std::exception& e) {
        // Anything else would fail again on every retry and hold up the jobs queued behind
        // this one: the job ends as failed, with what it did so far and why it stopped.
        spdlog::error("bulk job {}: {}", job->id, e.what());
        run.fail(fmt::format("an internal error stopped the job: {}", e.what()));
    }
    return true;
}

BulkRunner::BulkRunner(store::Store& store, BulkSettings settings,
                       std::function<void()> work_queued)
    : store_(store), settings_(std::move(settings)), work_queued_(std::move(work_queued)) {}

BulkRunner::~BulkRunner() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void BulkRunner::start() {
    thread_ = std::thread([this] {
        name_this_thread("cis-bulk");
        loop();
    });
}

void BulkRunner::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    wake_.notify_all();
}

void BulkRunner::loop() {
    const auto stopping = [this] {
        std::lock_guard lock(mutex_);
        return stopping_;
    };
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            // Also looks every second: jobs made by bulk@ mail (the intake does not poke) or by
            // another process.
            wake_.wait_for(lock, std::chrono::seconds(1), [this] { return poked_ || stopping_; });
            if (stopping_) return;
            poked_ = false;
        }
        try {
            while (!stopping() && run_next_bulk_job(store_, settings_, work_queued_, stopping)) {
            }
        } catch (const std::exception& e) {
            spdlog::error("bulk runner: {}; the job resumes after its last committed chunk",
                          e.what());
        }
    }
}

}  // namespace cis::services
