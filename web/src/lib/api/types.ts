/** Names for the schema types the screens use (generated from docs/openapi.json). */
import type { components } from './schema';

type S = components['schemas'];
export type Facility = S['Facility'];
export type ResourceType = S['ResourceType'];
export type Availability = S['Availability'];
export type DayAvailability = S['DayAvailability'];
export type SlotAvailability = S['SlotAvailability'];
export type Notice = S['Notice'];
export type Me = S['Me'];
export type Reservation = S['Reservation'];
export type PartyNight = S['PartyNight'];
export type HoldCreated = S['HoldCreated'];
export type Lottery = S['Lottery'];
export type DemandDay = S['DemandDay'];
export type EntryOut = S['EntryOut'];
export type LotteryResult = S['LotteryResult'];
export type Application = S['Application'];
export type ProofUpload = S['ProofUpload'];
export type RegistrationForm = S['RegistrationForm'];
export type Appointment = S['Appointment'];
export type AppointmentCreated = S['AppointmentCreated'];
export type StaffMe = S['StaffMe'];
export type ReviewSummary = S['ReviewSummary'];
export type ReviewDetail = S['ReviewDetail'];
export type StaffNotice = S['StaffNotice'];
export type AuditRecord = S['AuditRecord'];
export type AuditAction = S['AuditAction'];
