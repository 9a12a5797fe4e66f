# The two commands of the README. Both install what they need on a fresh machine.
.PHONY: run test stop package bench
run:  ## the whole system locally: stand-ins, API, queue consumers, schedules
	bash local/run.sh $(ARGS)
test: ## fmt, clippy, cfn-lint and every test, against DynamoDB Local and moto
	bash local/test.sh
stop: ## stop the dev stand-ins
	bash local/stack.sh stop
package: ## sam validate --lint, sam build (x86_64 here) and the zipped bootstrap sizes
	FUNCTIONS="$(FUNCTIONS)" ARCHITECTURE="$(ARCHITECTURE)" bash local/package.sh
bench: ## release build, then cold start, warm latency, round trips, memory and size of every function (target/bench/)
	bash bench/run.sh $(ARGS)
