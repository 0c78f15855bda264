#pragma once
// Group commit: many small writes from many threads, one transaction (one fsync) for
// each batch. A single thread owns the write transaction; every job runs in a savepoint
// of its own, so one job's failure never takes the others down, and each caller hears
// back only once its write is on disk.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "store/store.hpp"

namespace cis::store {

struct WriteJob {
    std::function<void(Tx&)> work;
    // Runs in a fresh savepoint when `work` threw (not for TemporaryError): the place to
    // record the failure instead of losing the request. May be empty.
    std::function<void(Tx&, const std::exception&)> on_error;
    // After the batch: true once committed; false when the batch could not be committed
    // (the database is busy, full or gone) — nothing of this job was stored.
    std::function<void(bool committed)> done;
};

class GroupCommitter {
  public:
    // `durability`: Disk for what must survive a power cut; Process for marks whose loss
    // in a machine crash is acceptable (they then cost no fsync).
    explicit GroupCommitter(Store& store, std::size_t max_batch = 256,
                            Durability durability = Durability::Disk);
    ~GroupCommitter();  // finishes what was submitted, then stops
    GroupCommitter(const GroupCommitter&) = delete;
    GroupCommitter& operator=(const GroupCommitter&) = delete;

    void submit(WriteJob job);

  private:
    void loop();
    void commit(std::deque<WriteJob>& batch);

    Store& store_;
    const std::size_t max_batch_;
    const Durability durability_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<WriteJob> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace cis::store
