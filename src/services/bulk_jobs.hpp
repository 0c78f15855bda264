#pragma once
// Bulk invitation jobs (SPEC §3.6): a list posted to POST /event/{id}/invites or mailed to
// bulk@ is stored as a job; the runner works through it a chunk of rows per transaction
// (the rows' invitations, skipped rows, counts and position commit together, so a crash
// neither loses nor repeats a row: the next run resumes after the last chunk), then
// queues one result email to the sender in the transaction that marks the job done.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "services/invites.hpp"
#include "store/store.hpp"

namespace cis::services {

// The largest list a job takes (a 100 000-row CSV is about 5 MB).
inline constexpr std::size_t kMaxBulkList = 32 * 1024 * 1024;

struct BulkSettings {
    InviteContext invite;            // secrets, domain, bounce mailbox (key and now unused)
    std::string notification_local;  // From: of the result email
    std::string public_url;
    std::size_t chunk_rows = 2000;    // rows per transaction
    std::size_t listed_skips = 20;    // skipped rows listed in the email's text
};

// Checks that `event` takes a list now; the reason when it does not.
std::optional<std::string> event_refuses_bulk(const Event& event, std::int64_t now);

// Runs the oldest unfinished job to its end, or until `stop()` says so between chunks.
// False when there was none. `work_queued` is called after every chunk (to wake the
// outbox worker).
bool run_next_bulk_job(store::Store& store, const BulkSettings& s,
                       const std::function<void()>& work_queued,
                       const std::function<bool()>& stop = [] { return false; });

// The result email of a finished job.
std::string build_bulk_result(store::Tx& tx, const store::BulkJob& job, const Event* event,
                              const BulkSettings& s, std::int64_t now);

// A thread running jobs as they come: poke() after storing one.
class BulkRunner {
  public:
    BulkRunner(store::Store& store, BulkSettings settings, std::function<void()> work_queued);
    ~BulkRunner();  // stops after the chunk in progress; the job resumes on the next start
    void start();
    void poke();

  private:
    void loop();
    store::Store& store_;
    BulkSettings settings_;
    std::function<void()> work_queued_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool poked_ = true, stopping_ = false;
    std::thread thread_;
};

}  // namespace cis::services
