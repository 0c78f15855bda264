#include "store/group_commit.hpp"

#include "core/thread_name.hpp"

namespace cis::store {

GroupCommitter::GroupCommitter(Store& store, std::size_t max_batch, Durability durability)
    : store_(store), max_batch_(max_batch), durability_(durability), thread_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void GroupCommitter::submit(WriteJob job) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void GroupCommitter::loop() {
    name_this_thread(durability_ == Durability::Disk ? "cis-commit" : "cis-commit-nosync");
    for (;;) {
        std::deque<WriteJob> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything is done
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit(batch);
    }
}

void GroupCommitter::commit(std::deque<WriteJob>& batch) {
    bool committed = true;
    try {
        store_.write(
            [&](Tx& tx) {
                for (auto& job : batch) {
                    try {
                        tx.savepoint([&] { job.work(tx); });
                    } catch (const TemporaryError&) {
                        throw;  // the database itself is unavailable: the whole batch fails
                    } catch (const std::exception& e) {
                        if (!job.on_error) continue;
                        tx.savepoint([&] { job.on_error(tx, e); });
                    }
                }
            },
            durability_);
    } catch (const std::exception&) {
        committed = false;
    }
    for (auto& job : batch)
        if (job.done) job.done(committed);
}

}  // namespace cis::store
