"""Project done for a customer (Project.customer): started, due, completed or cancelled.

Its figures (costing, billed amounts) are ERPNext's running totals, not an agreed value, so the events carry
no amount; what the customer is billed reaches the timeline as invoices. Its tasks are sources/task.py.
"""

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "Project"


def _label(row: dict) -> str:
	return row.get("project_name") or row["name"]


def to_events(row: dict) -> list:
	status = row.get("status")
	common = {"source_doctype": DOCTYPE, "event_type": "commitment"}
	events = [
		base_event(
			row,
			kind="project_started",
			event_time=day_time(row, "expected_start_date"),
			title=f"Project: {_label(row)}",
			summary=" · ".join(x for x in (row.get("project_type"), status) if x),
			cancelled=status == "Cancelled",
			**common,
		)
	]
	if status == "Open" and row.get("expected_end_date"):
		events.append(
			base_event(
				row,
				kind="project_due",
				event_time=day_time(row, "expected_end_date"),
				title=f"Project due: {_label(row)}",
				**common,
			)
		)
	if status in ("Completed", "Cancelled"):
		events.append(
			base_event(
				row,
				kind="project_completed" if status == "Completed" else "project_cancelled",
				event_time=row["modified"],
				title=f"Project {status.lower()}: {_label(row)}",
				actor=row.get("modified_by"),
				cancelled=status == "Cancelled",
				**common,
			)
		)
	return events


_LABEL = "coalesce(nullif(t.project_name, ''), t.name)"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("project_started"),
		event_type="commitment",
		event_time=sql.day_time("t.expected_start_date"),
		title=f"concat('Project: ', {_LABEL})",
		summary="concat_ws(' · ', nullif(t.project_type, ''), nullif(t.status, ''))",
		company="t.company",
		cancelled="t.status = 'Cancelled'",
	),
	sql.SqlEvent(
		kind=sql.lit("project_due"),
		event_type="commitment",
		event_time=sql.day_time("t.expected_end_date"),
		title=f"concat('Project due: ', {_LABEL})",
		company="t.company",
		when="t.status = 'Open' and t.expected_end_date is not null",
	),
	sql.SqlEvent(
		kind="if(t.status = 'Completed', 'project_completed', 'project_cancelled')",
		event_type="commitment",
		event_time="t.modified",
		title=f"concat('Project ', lower(t.status), ': ', {_LABEL})",
		company="t.company",
		actor="t.modified_by",
		cancelled="t.status = 'Cancelled'",
		when="t.status in ('Completed', 'Cancelled')",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"project_name",
		"project_type",
		"status",
		"expected_start_date",
		"expected_end_date",
	),
	where="customer is not null and customer != ''",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)
