// Gathers one repository's report from GitHub: every issue (pull requests left out), every
// contributor, and each contributor's display name. Display names are cached in the store;
// with a token, the ones not cached are asked for in batches through GraphQL.
//
// A collection ends in one of three ways: a report (possibly with warnings about parts GitHub
// would not give), a failure (permanent or worth retrying), or a deferral until GitHub's rate
// limit allows more requests.
#pragma once

#include "report.h"
#include "settings.h"

#include <QObject>

#include <optional>
#include <qcorotask.h>

namespace hookme {

class GitHubClient;
class TaskStore;

// Why a collection (or a delivery) did not succeed, and whether trying again can help.
struct Failure {
    bool permanent = false;
    QString message;
    std::optional<int> httpStatus;
};

struct CollectionOutcome {
    std::optional<Report> report;              // set on success
    std::optional<qint64> rateLimitedUntilMs;  // set when the collection must wait
    Failure failure;                           // set otherwise
    int requests = 0;       // GitHub requests this collection made
    int quotaRequests = 0;  // of those, the ones that counted against the quota
};

class RepositoryCollector : public QObject
{
    Q_OBJECT

public:
    struct Options {
        IssuesState issuesState = IssuesState::All;
        bool includeAnonymousContributors = false;
        qint64 nameCacheTtlMs = 86'400'000;
    };

    // Logins asked for in one GraphQL query: far below GitHub's limits on a query's nodes.
    static constexpr int namesPerQuery = 50;

    RepositoryCollector(GitHubClient *github, TaskStore *store, const Options &options,
                        QObject *parent = nullptr);

    // `owner` and `repository` must already be valid GitHub names.
    QCoro::Task<CollectionOutcome> collect(QString owner, QString repository);

signals:
    // After each page or look-up: what was fetched so far, for people watching.
    void progress(const QString &message);

private:
    QCoro::Task<> resolveNames(QList<ReportContributor> *contributors,
                               CollectionOutcome *outcome);
    QCoro::Task<QList<qsizetype>> resolveNamesByGraphQL(QList<ReportContributor> *contributors,
                                                        QList<qsizetype> pending,
                                                        CollectionOutcome *outcome);

    GitHubClient *m_github;
    TaskStore *m_store;
    Options m_options;
};

} // namespace hookme
