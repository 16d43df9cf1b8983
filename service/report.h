// The report delivered to the webhook, and how it is read from GitHub's JSON and written out.
//
// The delivered document is, with keys in this order:
//   {"user": "...", "repository": "...",
//    "issues": [{"title": "...", "author": "<login or null>", "labels": ["..."]}],
//    "contributors": [{"name": "<display name or null>", "user": "<login>", "qtd_commits": 0}]}
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace hookme {

struct ReportIssue {
    QString title;
    std::optional<QString> author;  // none when GitHub shows no user (a deleted account)
    QStringList labels;
};

struct ReportContributor {
    std::optional<QString> name;  // the display name; none when the user has not set one
    QString login;
    qint64 commits = 0;
};

struct Report {
    QString user;        // the owner as the client gave it
    QString repository;  // the repository as the client gave it
    QList<ReportIssue> issues;
    QList<ReportContributor> contributors;

    QByteArray toJson() const;
};

// Appends the issues of one page of GET /repos/{owner}/{repo}/issues. Pull requests, which
// GitHub lists among issues with a "pull_request" key, are left out.
void appendIssues(const QJsonArray &page, QList<ReportIssue> *issues);

// Appends the contributors of one page of GET /repos/{owner}/{repo}/contributors. Entries
// without a login (anonymous contributors) are left out. Names are filled in later.
void appendContributors(const QJsonArray &page, QList<ReportContributor> *contributors);

} // namespace hookme
