// Writes the report document (see report.h) piece by piece while it is collected, so that a
// repository with tens of thousands of issues is held once, as its JSON bytes, rather than
// as a list of parsed issues plus the document made from them.
//
// Known limitation: the document itself is still held whole in memory while it is built,
// stored and sent, so memory grows with the largest repository (about the report's size).
//
// Guarantees: the bytes are exactly those of Report::toJson() for the same content; keys in
// the documented order; UTF-8 passes through unchanged, and only '"', '\' and control
// characters are escaped.
#pragma once

#include "report.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace hookme {

class ReportWriter
{
public:
    // Opens the document: {"user": ..., "repository": ..., "issues": [
    ReportWriter(const QString &user, const QString &repository);

    void addIssue(const ReportIssue &issue);
    // Adds the issues of one reduced page of GitHub's issue listing (see reduceIssuesPage).
    void addIssues(const QByteArray &reducedPage);
    qsizetype issueCount() const { return m_issueCount; }
    qsizetype size() const { return m_json.size(); }

    // Closes the issue list, writes the contributors (and the warnings, when there are any)
    // and returns the whole document. The writer is empty afterwards: the bytes are moved
    // out, not copied.
    QByteArray finish(const QList<ReportContributor> &contributors,
                      const QList<ReportWarning> &warnings = {});

private:
    void string(const QString &text);
    void optionalString(const std::optional<QString> &text);

    QByteArray m_json;
    qsizetype m_issueCount = 0;
};

} // namespace hookme
