import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { ValidateEnum } from '../../common/validation.js';

export const PAPER_SIZES = ['a4', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ReportQuery {
  @ApiPropertyOptional({ description: 'First day of the period (YYYY-MM-DD, UTC); default: three months before `to`', example: '2026-09-01' })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date (YYYY-MM-DD)' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last day of the period, included (YYYY-MM-DD, UTC); default: today', example: '2026-11-30' })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date (YYYY-MM-DD)' })
  to?: string;
}

export class PdfReportQuery extends ReportQuery {
  @ValidateEnum(PAPER_SIZES, { optional: true })
  paper?: PaperSize;
}
