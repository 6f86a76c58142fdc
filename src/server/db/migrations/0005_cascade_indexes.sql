CREATE INDEX "csat_events_ticket_id_index" ON "csat_events" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "requester_notifications_ticket_id_index" ON "requester_notifications" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "requester_notifications_message_id_index" ON "requester_notifications" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "staff_notifications_ticket_id_index" ON "staff_notifications" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "staff_notifications_message_id_index" ON "staff_notifications" USING btree ("message_id");