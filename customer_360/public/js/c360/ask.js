// The Ask tab: a question about this customer, answered on the server from what this user may see (the same
// masked services as the other tabs), each statement followed by links to the documents it rests on. The
// answer is text from the record or from a model: shown escaped, never as HTML.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { esc, get, post } = customer_360.c360;

	const EXAMPLES = [
		() => __("What is outstanding?"),
		() => __("Open tasks?"),
		() => __("When was the last contact?"),
		() => __("Open quotations and cases?"),
		() => __("What changed since last week?"),
	];

	// Whether a model is configured, asked once per page (the Briefing and Draft buttons ask it too).
	async function assistant_available(page) {
		if (page.c360_assistant === undefined) {
			try {
				page.c360_assistant = !!(await get("ask.status", { customer: page.customer }))
					.model;
			} catch (e) {
				page.c360_assistant = false;
			}
		}
		return page.c360_assistant;
	}

	async function load_ask($body, page) {
		const model = await assistant_available(page);
		$body.empty();
		const $form = $(`<form class="c360-ask-form" autocomplete="off">
				<div class="d-flex">
					<input type="text" class="form-control c360-ask-input" maxlength="500"
						placeholder="${esc(__("Ask about this customer, e.g. what is outstanding?"))}">
					<button type="submit" class="btn btn-primary btn-sm ml-2 c360-ask-submit">${esc(
						__("Ask")
					)}</button>
				</div>
				<div class="small mt-2 c360-ask-options"></div>
				<div class="small mt-2 c360-ask-examples"></div>
			</form>`).appendTo($body);
		if (model) {
			$form.find(".c360-ask-options").append(
				`<label class="mb-0"><input type="checkbox" class="c360-ask-use-model" checked>
					${esc(__("Let the assistant answer (from what you may see)"))}</label>`
			);
		}
		const $examples = $form.find(".c360-ask-examples");
		for (const example of EXAMPLES) {
			$(
				`<button type="button" class="btn btn-xs btn-default mr-1 mb-1 c360-ask-example"></button>`
			)
				.text(example())
				.on("click", () => {
					$form.find(".c360-ask-input").val(example());
					$form.trigger("submit");
				})
				.appendTo($examples);
		}
		const $answer = $(`<div class="c360-ask-answer mt-3" data-state="idle"></div>`).appendTo(
			$body
		);
		const $threads = $(`<div class="c360-ask-threads mt-4"></div>`).appendTo($body);
		$form.on("submit", async (e) => {
			e.preventDefault();
			const question = String($form.find(".c360-ask-input").val() || "").trim();
			if (!question) return;
			const use_model = $form.find(".c360-ask-use-model").prop("checked") ? 1 : 0;
			$answer
				.attr("data-state", "loading")
				.html(`<div class="text-muted small">${esc(__("Thinking…"))}</div>`);
			$form.find(".c360-ask-submit").prop("disabled", true);
			try {
				const answer = await post("ask.ask", {
					customer: page.customer,
					question,
					use_model,
				});
				render_answer($answer, answer);
				$answer.attr("data-state", "ready");
			} catch (err) {
				$answer.attr("data-state", "error").empty();
			} finally {
				$form.find(".c360-ask-submit").prop("disabled", false);
			}
		});
		await load_threads($threads, page, model);
	}

	// Long email threads and cases, summarised on demand (cached on the server until the thread changes).
	async function load_threads($el, page, model) {
		$(`<h6 class="text-muted"></h6>`).text(__("Summarise a thread")).appendTo($el);
		let threads = [];
		try {
			threads = await get("ask.threads", { customer: page.customer });
		} catch (e) {
			$(`<div class="text-muted small"></div>`)
				.text(__("Threads could not be loaded."))
				.appendTo($el);
			return;
		}
		if (!threads.length) {
			$(`<div class="text-muted small"></div>`)
				.text(__("No email threads or cases yet."))
				.appendTo($el);
			return;
		}
		for (const t of threads) {
			const $row = $(`<div class="c360-thread py-1"></div>`)
				.attr("data-doctype", t.doctype)
				.attr("data-name", t.name)
				.appendTo($el);
			$(`<span class="small"></span>`).text(`${t.day} · ${t.title}`).appendTo($row);
			const $button = $(
				`<button type="button" class="btn btn-xs btn-default ml-2 c360-summarise"></button>`
			)
				.text(__("Summarise"))
				.appendTo($row);
			const $out = $(
				`<div class="c360-thread-summary pl-3" data-state="idle"></div>`
			).appendTo($row);
			$button.on("click", async () => {
				$button.prop("disabled", true);
				$out.attr("data-state", "loading").text(__("Summarising…"));
				try {
					const summary = await post("ask.summarize", {
						customer: page.customer,
						doctype: t.doctype,
						name: t.name,
						use_model: model ? 1 : 0,
					});
					render_answer($out, summary);
					$out.attr("data-state", "ready");
				} catch (err) {
					$out.attr("data-state", "error").empty();
				} finally {
					$button.prop("disabled", false);
				}
			});
		}
	}

	function render_answer($answer, answer) {
		$answer.empty();
		if (answer.notice) {
			$(`<div class="alert alert-warning small c360-ask-notice"></div>`)
				.text(answer.notice)
				.appendTo($answer);
		}
		const source =
			answer.source === "model" ? __("From the assistant") : __("From the record");
		$(`<div class="text-muted small mb-1 c360-ask-source"></div>`)
			.attr("data-source", answer.source)
			.text(source)
			.appendTo($answer);
		const $list = $(`<ul class="c360-ask-statements pl-3"></ul>`).appendTo($answer);
		for (const statement of answer.statements || []) {
			const $li = $(`<li class="c360-ask-statement"></li>`).appendTo($list);
			$(`<span class="c360-ask-text"></span>`).text(statement.text).appendTo($li);
			for (const c of statement.citations || []) citation_link(c).appendTo($li);
		}
	}

	// A cited document: opens its form in the desk (the server cited only what this user could see).
	function citation_link(c) {
		return $(`<a class="c360-cite ml-2 small" href="#"></a>`)
			.attr("href", frappe.utils.get_form_link(c.doctype, c.name))
			.attr("data-doctype", c.doctype)
			.attr("data-name", c.name)
			.attr("data-event", c.event || "")
			.text(`[${c.label || c.name}]`)
			.on("click", (e) => {
				e.preventDefault();
				frappe.set_route("Form", c.doctype, c.name);
			});
	}

	Object.assign(customer_360.c360, { load_ask, assistant_available, citation_link });
})();
