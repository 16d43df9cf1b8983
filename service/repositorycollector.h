// Gathers one repository's report from GitHub: every issue (pull requests left out), every
// contributor, and each contributor's display name (cached in the store).
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
    std::optional<QByteArray> reportJson;  // set on success: the document, as delivered
    Failure failure;               // set otherwise
    int requests = 0;              // GitHub requests this collection made
};

class RepositoryCollector : public QObject
{
    Q_OBJECT

public:
    RepositoryCollector(GitHubClient *github, TaskStore *store, IssuesState issuesState,
                        qint64 nameCacheTtlMs, QObject *parent = nullptr);

    // `owner` and `repository` must already be valid GitHub names.
    QCoro::Task<CollectionOutcome> collect(QString owner, QString repository);

private:
    QCoro::Task<std::optional<Failure>> resolveNames(QList<ReportContributor> *contributors,
                                                     int *requests);

    GitHubClient *m_github;
    TaskStore *m_store;
    IssuesState m_issuesState;
    qint64 m_nameCacheTtlMs;
};

} // namespace hookme
